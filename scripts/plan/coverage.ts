/**
 * The control coverage section of summary.md: one row per control, then each exemption once (with
 * the controls it applies to) and each known gap once.
 */
import type { Control, Exemption } from "../../controls/types";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function controlCoverage(catalog: Control[]): string[] {
  const counts = { enforced: 0, partial: 0, planned: 0, external: 0 };
  for (const control of catalog) counts[control.status] += 1;
  const layers = (c: Control) =>
    c.external ? `owned by ${c.external.owner}; the program provides: ${c.external.provides}` : `${c.coveredLayers.join(", ") || "-"} / ${c.layers.join(", ")}`;
  const lines = [
    `${counts.enforced} enforced, ${counts.partial} partial, ${counts.planned} planned, ${counts.external} owned by the platform API, ` +
      `of ${catalog.length} controls (where each is enforced and which tests prove it: \`controls/\`).`,
    "",
    "| Control | Status | Layers covered / expected | Tests |",
    "|---|---|---|---|",
    ...catalog.map((c) => `| ${c.id} ${cell(c.title)} | ${c.status} | ${cell(layers(c))} | ${c.provenBy.length} |`),
  ];

  const exemptions = new Map<string, { exemption: Exemption; controls: string[] }>();
  for (const c of catalog) {
    for (const e of c.exemptions) {
      const key = `${e.namespace}|${e.workload ?? ""}`;
      const entry = exemptions.get(key) ?? { exemption: e, controls: [] };
      if (!entry.controls.includes(c.id)) entry.controls.push(c.id);
      exemptions.set(key, entry);
    }
  }
  if (exemptions.size > 0) {
    lines.push("", "### Exemptions", "", "| Namespace | Workload | Controls | Why |", "|---|---|---|---|");
    for (const { exemption: e, controls } of exemptions.values()) {
      lines.push(`| ${e.namespace} | ${e.workload ?? "(whole namespace)"} | ${controls.join(", ")} | ${cell(e.reason)} |`);
    }
  }

  const gaps = catalog.flatMap((c) => [...new Set(c.limitations)].map((l) => `- ${c.id}: ${l}`));
  if (gaps.length > 0) lines.push("", "### Known gaps", "", ...gaps);
  return lines;
}
