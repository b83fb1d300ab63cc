/** Helm values helpers shared by every chart-installing component. */

export type HelmValues = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Merges `overrides` into `base` the way Helm merges values files: objects merge key by key,
 * everything else (lists included) is replaced. Used to apply a caller's `values` last.
 */
export function mergeValues<T extends object>(base: T, overrides?: object): T {
  if (!overrides) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
  }
  return out as T;
}

/**
 * The post-renderer that labels a chart's Deployments and StatefulSets `app.kubernetes.io/part-of`
 * when its templates hard-code their labels (ADM-01). Relative to the project root, where
 * `pulumi` runs the program and its providers, so the path in state is the same on every machine.
 */
export const PART_OF_POSTRENDER = "./components/shared/helm/label-part-of";
