/** The shapes of the replacement tables (kubernetes.ts, providers.ts) and of their matching (index.ts). */

export interface ReplacementRule {
  /** Input property paths, dotted from the resource's inputs, `[*]` for any array element. A change at or under a path forces replacement. */
  paths: string[];
  /** Where this comes from: repository, file, and the version/commit read. */
  source: string;
  /** Anything subtle (e.g. "only when the object has no auto-name: then delete-before-replace"). */
  note?: string;
  /** Kubernetes only: the apiVersion versions of the group the provider's table lists this kind under; other versions get only the all-kinds rule. */
  apiVersions?: string[];
  /**
   * Replacements that depend on the values, not only on which path changed. Each is applied by
   * {@link forcesReplacement} when its `test` says so (it may look at the previous inputs when the
   * caller passes them); one without a test is documentation only and never reported.
   */
  conditional?: ConditionalReplacement[];
}

export interface ConditionalReplacement {
  /** The input path whose change may force replacement. */
  path: string;
  /** When it does, in the provider's terms. */
  when: string;
  /** true: this change forces replacement; false or undefined: it does not, or it cannot be told offline. */
  test?: (after: Inputs, before: Inputs | undefined, changedPaths: string[]) => boolean | undefined;
}

export interface ReplacementOptions {
  /** The resource's previous inputs, when known: lets value-dependent rules decide (e.g. a namespace going from unset to "default" is no change). */
  before?: unknown;
  /** The Kubernetes provider's `enableSecretMutable` (default false). */
  enableSecretMutable?: boolean;
  /** The Kubernetes provider's `enableConfigMapMutable` (default false). */
  enableConfigMapMutable?: boolean;
}

/** A resource's inputs as the SDK registered them. */
export type Inputs = Record<string, unknown>;
/** A parsed path segment: a property key, an array index, or `*` (any index, rule paths only). */
export type Segment = { key: string } | { index: number } | { any: true };
