/**
 * What a reviewer needs from two plans: each resource created, updated, replaced or deleted, as
 * the real engine would do it. A change is a replacement when one of the changed inputs is one the
 * provider marks force-new (./replacements/, with its upstream sources); replacements and
 * deletions of stateful resources (volumes, namespaces, keys, buckets, the cluster, Vault) come
 * first, in bold.
 */
import { isDeepStrictEqual } from "util";
import { forcesReplacement } from "./replacements";

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  inputs: unknown;
  options: unknown;
  /** Only on the root stack: the stack outputs, which a reviewer diffs like inputs. */
  outputs?: unknown;
}

/** What a plan keeps of each declared resource, the stack's outputs on the root Stack. */
export function plannedResources(run: {
  resources: { urn: string; type: string; name: string; parent?: string; inputs: unknown; options: unknown }[];
  outputs: unknown;
}): PlannedResource[] {
  return run.resources.map(({ urn, type, name, parent, inputs, options }) => ({
    urn,
    type,
    name,
    parent,
    inputs,
    options,
    ...(type === "pulumi:pulumi:Stack" ? { outputs: run.outputs } : {}),
  }));
}

export type ChangeKind = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  urn: string;
  type: string;
  kind: ChangeKind;
  /** `inputs.a.b: old -> new` for each changed value (and options, outputs). */
  paths: string[];
  /** The changed paths that force the replacement. */
  forcing: string[];
  /** Losing it loses data or takes a tenant down. */
  stateful: boolean;
  protect: boolean;
  retainOnDelete: boolean;
}

/** Types whose replacement or deletion loses data, or takes an agent or the platform down. */
const STATEFUL_TYPES = new Set([
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kubernetes:core/v1:Namespace",
  "kubernetes:apps/v1:StatefulSet",
  "aws:kms/key:Key",
  "aws:s3/bucket:Bucket",
  "aws:eks/cluster:Cluster",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:rds/instance:Instance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "vault:index/mount:Mount",
  "vault:transit/secretBackendKey:SecretBackendKey",
]);

function isStateful(resource: PlannedResource): boolean {
  if (STATEFUL_TYPES.has(resource.type)) return true;
  // Vault's Raft data lives in its release's volumes.
  return resource.type === "kubernetes:helm.sh/v3:Release" && (resource.inputs as { chart?: string })?.chart === "vault";
}

function changedPaths(before: unknown, after: unknown, path: string, into: string[]): void {
  if (isDeepStrictEqual(before, after)) return;
  const isObject = (v: unknown) => v !== null && typeof v === "object";
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
    for (const key of [...keys].sort()) {
      const segment = Array.isArray(before) ? `[${key}]` : path ? `.${key}` : key;
      changedPaths((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], path + segment, into);
    }
    return;
  }
  into.push(`${path}: ${show(before)} -> ${show(after)}`);
}

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

const optionsOf = (r: PlannedResource) => (r.options ?? {}) as { protect?: boolean; retainOnDelete?: boolean };

function change(resource: PlannedResource, kind: ChangeKind, paths: string[] = [], forcing: string[] = []): ResourceChange {
  return {
    urn: resource.urn,
    type: resource.type,
    kind,
    paths,
    forcing,
    stateful: isStateful(resource),
    protect: optionsOf(resource).protect === true,
    retainOnDelete: optionsOf(resource).retainOnDelete === true,
  };
}

export function diffPlans(older: PlannedResource[], newer: PlannedResource[]): ResourceChange[] {
  const before = new Map(older.map((r) => [r.urn, r]));
  const after = new Set(newer.map((r) => r.urn));
  const changes: ResourceChange[] = [];
  for (const resource of newer) {
    const previous = before.get(resource.urn);
    if (!previous) {
      changes.push(change(resource, "create"));
      continue;
    }
    const paths: string[] = [];
    changedPaths(previous.inputs, resource.inputs, "inputs", paths);
    changedPaths(previous.options, resource.options, "options", paths);
    changedPaths(previous.outputs, resource.outputs, "outputs", paths);
    if (paths.length === 0) continue;
    const forcing = forcesReplacement(resource.type, resource.inputs, paths, { before: previous.inputs });
    changes.push(change(resource, forcing.length > 0 ? "replace" : "update", paths, forcing));
  }
  for (const resource of older) if (!after.has(resource.urn)) changes.push(change(resource, "delete"));
  return changes;
}

const SIGN: Record<ChangeKind, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

function consequence(c: ResourceChange): string {
  if (c.kind === "delete" && c.protect) return " (protected: the up stops here until `protect` is lifted)";
  if (c.kind === "delete" && c.retainOnDelete) return " (kept: Pulumi forgets it, the cloud keeps it)";
  if (c.kind === "replace") return ` (forced by ${c.forcing.map((p) => p.split(":")[0]).join(", ")})`;
  return "";
}

/** The diff as text (markdown-friendly): stateful replacements and deletions first, then everything. */
export function formatDiff(changes: ResourceChange[]): string {
  const lines: string[] = [];
  const risky = changes.filter((c) => c.stateful && (c.kind === "replace" || c.kind === "delete"));
  if (risky.length > 0) {
    lines.push("**Stateful resources replaced or deleted (review these first):**", "");
    for (const c of risky) lines.push(`- **${c.kind}** \`${c.urn}\`${consequence(c)}`);
    lines.push("");
  }
  for (const c of changes) {
    lines.push(`${SIGN[c.kind]} ${c.kind} ${c.urn}${c.kind === "delete" ? consequence(c) : ""}`);
    for (const path of c.paths) lines.push(`    ${path}${c.forcing.includes(path) ? "   (forces replacement)" : ""}`);
  }
  const count = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
  const counts = `${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete`;
  return changes.length > 0 ? `${lines.join("\n")}\n${counts}` : `No changes. ${counts}`;
}
