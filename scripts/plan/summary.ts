import type { Control } from "../../controls/types";
import type { CapturedResource } from "../../test/harness/capture";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The top-level component a resource belongs to ("stack" for resources declared at the root). */
export function componentOf(resource: CapturedResource, byUrn: Map<string, CapturedResource>): string {
  let current = resource;
  for (;;) {
    const parent = current.parent ? byUrn.get(current.parent) : undefined;
    if (!parent || parent.type === STACK_TYPE) {
      return current === resource && current.custom ? "stack" : `${current.type} ${current.name}`;
    }
    current = parent;
  }
}

function resourcesByComponent(resources: CapturedResource[]): string[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const counts = new Map<string, Map<string, number>>();
  for (const resource of resources) {
    if (resource.type === STACK_TYPE || !resource.custom) continue;
    const component = componentOf(resource, byUrn);
    const types = counts.get(component) ?? new Map<string, number>();
    types.set(resource.type, (types.get(resource.type) ?? 0) + 1);
    counts.set(component, types);
  }
  const lines = ["| Component | Type | Count |", "|---|---|---|"];
  for (const [component, types] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [type, count] of [...types.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| ${component} | \`${type}\` | ${count} |`);
    }
  }
  return lines;
}

function helmReleases(resources: CapturedResource[]): string[] {
  const releases = resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
  if (releases.length === 0) return ["No Helm releases."];
  const lines = ["| Release | Chart | Version | Repository | Namespace |", "|---|---|---|---|---|"];
  for (const r of releases) {
    const i = r.inputs;
    lines.push(`| ${r.name} | ${i.chart} | ${i.version} | ${i.repositoryOpts?.repo ?? ""} | ${i.namespace ?? ""} |`);
  }
  return lines;
}

function controlCoverage(catalog: Control[]): string[] {
  const counts = { enforced: 0, partial: 0, planned: 0 };
  for (const control of catalog) counts[control.status] += 1;
  const lines = [
    `${counts.enforced} enforced, ${counts.partial} partial, ${counts.planned} planned, of ${catalog.length} controls.`,
    "",
    "| Control | Status | Layers covered / expected | Enforced by | Tests |",
    "|---|---|---|---|---|",
  ];
  for (const c of catalog) {
    const places = [...new Set(c.enforcedBy.map((e) => `${e.kind}: \`${e.file}\``))].join("<br>") || "-";
    lines.push(
      `| ${c.id} ${c.title} | ${c.status} | ${c.coveredLayers.join(", ") || "-"} / ${c.layers.join(", ")} | ${places} | ${c.provenBy.length} |`,
    );
  }
  const gaps = catalog.filter((c) => c.limitations.length > 0 || c.exemptions.length > 0);
  if (gaps.length > 0) lines.push("", "Known gaps and exemptions:", "");
  for (const c of gaps) {
    for (const limitation of [...new Set(c.limitations)]) lines.push(`- ${c.id}: ${limitation}`);
    for (const e of c.exemptions) lines.push(`- ${c.id}: namespace \`${e.namespace}\` exempt: ${e.reason}`);
  }
  return lines;
}

export interface SummaryInput {
  stack: string;
  resources: CapturedResource[];
  manifestFiles: string[];
  catalog: Control[];
  policyReport: string[];
}

export function renderSummary(input: SummaryInput): string {
  const custom = input.resources.filter((r) => r.custom).length;
  return [
    `# Offline plan of stack \`${input.stack}\``,
    "",
    `${input.resources.length} resources declared (${custom} custom, ${input.resources.length - custom} components), ` +
      `Kubernetes objects in ${input.manifestFiles.length} manifest file(s).`,
    "",
    "## Resources by component",
    "",
    ...resourcesByComponent(input.resources),
    "",
    "## Helm releases",
    "",
    ...helmReleases(input.resources),
    "",
    "## Control coverage",
    "",
    ...controlCoverage(input.catalog),
    "",
    "## Policy pack",
    "",
    ...input.policyReport,
    "",
  ].join("\n");
}
