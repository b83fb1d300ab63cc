/**
 * Which input changes make the engine replace a resource instead of updating it in place.
 *
 * The offline plan (`npm run plan -- --diff OLD`) compares the inputs the SDK registered. Whether a
 * changed input means "update" or "replace" is decided by the provider's Diff; this module is that
 * knowledge as data, read from the providers' sources (each rule names the file and revision it was
 * read from), and {@link forcesReplacement}, which applies it to one resource's changed paths.
 *
 * Path conventions: dotted from the resource's inputs (`spec.selector.matchLabels`,
 * `vpcConfig.subnetIds`), `[i]` for an array index in a changed path and `[*]` for "any element" in
 * a rule path. A change at or under a rule path forces replacement; so does a change at a parent of
 * a rule path when the new value of that parent carries the rule path (adding a whole block that
 * sets a force-new field), which is how pulumi-kubernetes matches (openapi.PatchPropertiesChanged
 * runs each force-new JSONPath over the patch slice of one changed path).
 */

import { KUBERNETES_REPLACEMENTS } from "./kubernetes";
import { PROVIDER_REPLACEMENTS } from "./providers";
import { isSet, parsePath } from "./paths";
import type { ConditionalReplacement, Inputs, ReplacementOptions, ReplacementRule, Segment } from "./types";

export { KUBERNETES_REPLACEMENTS } from "./kubernetes";
export { PROVIDER_REPLACEMENTS, SOURCES_READ } from "./providers";
export type { ConditionalReplacement, Inputs, ReplacementOptions, ReplacementRule } from "./types";

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------


function segmentMatches(rule: Segment, changed: Segment): boolean {
  if ("any" in rule) return "index" in changed || "any" in changed;
  if ("index" in rule) return "index" in changed && changed.index === rule.index;
  return "key" in changed && changed.key === rule.key;
}

/** Does `value` carry the path `rest` (any element for `[*]`)? */
function carries(value: unknown, rest: Segment[]): boolean {
  if (rest.length === 0) return value !== undefined;
  if (value === null || typeof value !== "object") return false;
  const [head, ...tail] = rest;
  if ("any" in head) return Array.isArray(value) && value.some((element) => carries(element, tail));
  if ("index" in head) return Array.isArray(value) && carries(value[head.index], tail);
  if (Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return Object.prototype.hasOwnProperty.call(record, head.key) && carries(record[head.key], tail);
}

function valueAt(inputs: unknown, path: Segment[]): unknown {
  let value = inputs;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    if ("key" in segment) value = Array.isArray(value) ? undefined : (value as Record<string, unknown>)[segment.key];
    else if ("index" in segment) value = Array.isArray(value) ? value[segment.index] : undefined;
    else return undefined;
  }
  return value;
}

/** A changed path forces replacement under `rulePath` (the provider's PatchPropertiesChanged, applied to one changed path). */
function pathForces(rulePath: Segment[], changed: Segment[], after: unknown): boolean {
  const common = Math.min(rulePath.length, changed.length);
  for (let i = 0; i < common; i++) if (!segmentMatches(rulePath[i], changed[i])) return false;
  if (changed.length >= rulePath.length) return true; // at or under the rule path
  return carries(valueAt(after, changed), rulePath.slice(changed.length)); // a parent whose new value sets the rule path
}

/** Strip what `diffPlans` adds around a path: a leading `inputs.` and a trailing `: before -> after`. */
function normalizeChangedPath(path: string): string | undefined {
  let p = path.trim();
  const arrow = p.indexOf(": ");
  if (arrow !== -1 && p.includes(" -> ", arrow)) p = p.slice(0, arrow);
  if (p === "inputs") return "";
  if (p.startsWith("inputs.") || p.startsWith("inputs[")) p = p.slice(p.startsWith("inputs.") ? 7 : 6);
  else if (/^(options|outputs)([.[]|$)/.test(p)) return undefined; // resource options and stack outputs never reach a provider's Diff
  return p;
}

interface KubernetesTarget {
  group: string;
  version: string;
  kind: string;
  patch: boolean;
}

const KUBERNETES_COMPONENTS = /^kubernetes:(helm\.sh\/v[34]:Chart|yaml(\/v2)?:Config(File|Group)|kustomize(\/v2)?:Directory)$/;

/** The group/version/kind a `kubernetes:` resource writes, from its inputs (apiVersion/kind) or its type token. */
function kubernetesTarget(type: string, inputs: Inputs): KubernetesTarget | undefined {
  const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!match || KUBERNETES_COMPONENTS.test(type)) return undefined;
  const [, apiVersionFromType, nameFromType] = match;
  const apiVersion = typeof inputs.apiVersion === "string" ? inputs.apiVersion : apiVersionFromType;
  const patch = nameFromType.endsWith("Patch") && (typeof inputs.kind !== "string" || `${inputs.kind}Patch` === nameFromType);
  const kind = typeof inputs.kind === "string" ? inputs.kind : patch ? nameFromType.slice(0, -"Patch".length) : nameFromType;
  const slash = apiVersion.lastIndexOf("/");
  const group = slash === -1 ? "core" : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  return { group: group === "" ? "core" : group, version, kind, patch };
}

/** The force-new paths the Kubernetes provider computes for one object (forceNewProperties in diff.go). */
function kubernetesForceNewPaths(target: KubernetesTarget, inputs: Inputs, options: ReplacementOptions): string[] {
  const paths = [...KUBERNETES_REPLACEMENTS["*"].paths];
  if (target.patch) return paths;
  const rule: ReplacementRule | undefined = KUBERNETES_REPLACEMENTS[`${target.group}/${target.kind}`];
  // The provider only consults the table when the group and version are listed (core lists v1).
  const coreV1 = target.group === "core" && target.version === "v1";
  const immutable = inputs.immutable === true;
  if (coreV1 && target.kind === "Secret") {
    if (!options.enableSecretMutable || immutable) return [...paths, "type", "stringData", "data"];
    return [...paths, "type"];
  }
  if (coreV1 && target.kind === "ConfigMap") {
    if (!options.enableConfigMapMutable || immutable) return [...paths, "binaryData", "data"];
    return paths;
  }
  if (rule && (rule.apiVersions ?? [target.version]).includes(target.version)) paths.push(...rule.paths);
  return paths;
}

/** The rule that governs a type token, if any (exact token, then `pulumi:providers:*`, then the Kubernetes table). */
export function replacementRuleFor(type: string, inputs?: unknown): ReplacementRule | undefined {
  if (PROVIDER_REPLACEMENTS[type]) return PROVIDER_REPLACEMENTS[type];
  if (type.startsWith("pulumi:providers:")) return PROVIDER_REPLACEMENTS["pulumi:providers:*"];
  const target = kubernetesTarget(type, (inputs ?? {}) as Inputs);
  if (!target) return undefined;
  const rule = KUBERNETES_REPLACEMENTS[`${target.group}/${target.kind}`];
  return rule && !target.patch && (rule.apiVersions ?? [target.version]).includes(target.version) ? rule : KUBERNETES_REPLACEMENTS["*"];
}

/** The changed input paths of one resource (as "spec.a.b", "[3]" for indexes) that force its replacement; [] when none. */
export function forcesReplacement(type: string, inputs: unknown /* after */, changedPaths: string[], options: ReplacementOptions = {}): string[] {
  const after = (inputs ?? {}) as Inputs;
  const before = options.before === undefined ? undefined : ((options.before ?? {}) as Inputs);
  const changed = changedPaths
    .map((original) => ({ original, normalized: normalizeChangedPath(original) }))
    .filter((c): c is { original: string; normalized: string } => c.normalized !== undefined)
    .map((c) => ({ ...c, segments: parsePath(c.normalized) }));
  if (changed.length === 0) return [];

  let rulePaths: string[];
  let conditional: ConditionalReplacement[] = [];
  const target = PROVIDER_REPLACEMENTS[type] || type.startsWith("pulumi:providers:") ? undefined : kubernetesTarget(type, after);
  if (target) {
    rulePaths = kubernetesForceNewPaths(target, after, options);
    // The namespace of a namespaced object is canonicalized: unset and "default" are the same namespace.
    if (before) {
      const ns = (i: Inputs) => (valueAt(i, [{ key: "metadata" }, { key: "namespace" }]) as string | undefined) || "default";
      if (ns(before) === ns(after)) rulePaths = rulePaths.filter((p) => p !== "metadata.namespace");
    }
  } else {
    const rule = replacementRuleFor(type, after);
    if (!rule) return [];
    rulePaths = rule.paths;
    conditional = rule.conditional ?? [];
  }

  const parsedRules = rulePaths.map(parsePath);
  const forcing = new Set<string>();
  for (const c of changed) {
    // Removing the whole metadata object replaces a Kubernetes object (provider.go Diff, PropertyDiff_DELETE of "metadata").
    if (target && c.normalized === "metadata" && !isSet(after.metadata)) forcing.add(c.original);
    if (parsedRules.some((rule) => pathForces(rule, c.segments, after))) forcing.add(c.original);
  }
  for (const cond of conditional) {
    const condPaths = cond.path.split("|").map(parsePath);
    const hits = changed.filter((c) => condPaths.some((p) => pathForces(p, c.segments, after) || pathForces(c.segments, p, after)));
    if (hits.length === 0 || !cond.test) continue;
    if (cond.test(after, before, changed.map((c) => c.normalized)) === true) for (const hit of hits) forcing.add(hit.original);
  }
  return changedPaths.filter((p) => forcing.has(p));
}
