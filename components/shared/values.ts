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
