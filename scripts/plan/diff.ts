import { isDeepStrictEqual } from "util";

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

export interface PlanDiff {
  added: string[];
  removed: string[];
  changed: { urn: string; paths: string[] }[];
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

/** What a reviewer needs from two plans: resources added, removed, and the inputs that changed. */
export function diffPlans(older: PlannedResource[], newer: PlannedResource[]): PlanDiff {
  const before = new Map(older.map((r) => [r.urn, r]));
  const after = new Map(newer.map((r) => [r.urn, r]));
  const added = newer.filter((r) => !before.has(r.urn)).map((r) => r.urn);
  const removed = older.filter((r) => !after.has(r.urn)).map((r) => r.urn);
  const changed: PlanDiff["changed"] = [];
  for (const resource of newer) {
    const previous = before.get(resource.urn);
    if (!previous) continue;
    const paths: string[] = [];
    changedPaths(previous.inputs, resource.inputs, "inputs", paths);
    changedPaths(previous.options, resource.options, "options", paths);
    changedPaths(previous.outputs, resource.outputs, "outputs", paths);
    if (paths.length > 0) changed.push({ urn: resource.urn, paths });
  }
  return { added, removed, changed };
}

export function formatDiff(diff: PlanDiff): string {
  const lines: string[] = [];
  for (const urn of diff.added) lines.push(`+ ${urn}`);
  for (const urn of diff.removed) lines.push(`- ${urn}`);
  for (const change of diff.changed) {
    lines.push(`~ ${change.urn}`);
    for (const path of change.paths) lines.push(`    ${path}`);
  }
  const counts = `${diff.added.length} to add, ${diff.changed.length} to change, ${diff.removed.length} to delete`;
  return lines.length > 0 ? `${lines.join("\n")}\n${counts}` : `No changes. ${counts}`;
}
