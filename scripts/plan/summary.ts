/**
 * summary.md: what a reviewer of a pull request reads first. The configuration at a glance, what
 * changes (with --diff), what is protected, the stack outputs, the charts, the resources by
 * component, the policy pack's results and where every control stands.
 */
import type { FoundationConfig, StackConfig, TenantConfig, TenantsConfig } from "../../config/schema";
import type { Control } from "../../controls/types";
import type { CapturedResource } from "../engine/capture";
import { controlCoverage } from "./coverage";

const STACK_TYPE = "pulumi:pulumi:Stack";
const cell = (value: unknown) => String(value).replace(/\|/g, "\\|").replace(/\n/g, " ");
const list = (items: readonly string[]) => (items.length ? items.join(", ") : "-");

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

function foundationConfiguration(config: FoundationConfig): string[] {
  const f = config.foundation;
  const rows: [string, string][] = [
    ["stackRole", "foundation: the VPC and the in-VPC deploy runner"],
    ["for cluster", f.clusterName],
    ["VPC", `${f.vpcCidr}, zones ${f.availabilityZoneIds ? f.availabilityZoneIds.join(", ") : `(${f.availabilityZoneCount}, chosen by zone ID)`}`],
    ["runner", `${f.runner.repository}, ${f.runner.computeType}, ${f.runner.image}`],
  ];
  return ["| Setting | Value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)];
}

function tenantTable(tenants: TenantConfig[]): string[] {
  const lines = ["", `${tenants.length} tenant(s):`];
  if (tenants.length > 0) {
    lines.push("", "| Tenant | Plan | Provider | Hosts | Storage | Lifecycle |", "|---|---|---|---|---|---|");
    for (const t of tenants) lines.push(`| ${t.id} | ${t.plan} | ${t.modelProvider} | ${list(t.allowedApiHosts)} | ${t.storage} | ${t.lifecycle} |`);
  }
  return lines;
}

function vaultRow(config: StackConfig | TenantsConfig): [string, string] {
  return ["vault", config.vault.configure ? `configured at ${config.vault.address}` : "not configured yet (bootstrap phase 1)"];
}

function configuration(config: StackConfig | FoundationConfig | TenantsConfig): string[] {
  if (config.stackRole === "foundation") return foundationConfiguration(config);
  if (config.stackRole === "tenants") {
    const rows: [string, string][] = [["stackRole", `tenants (platform: ${config.platformStack})`], vaultRow(config)];
    return ["| Setting | Value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), ...tenantTable(config.tenants)];
  }
  const c = config.cluster;
  const pool = (p: StackConfig["cluster"]["systemNodes"]) => `${p.instanceTypes.join(", ")}: ${p.minSize}-${p.maxSize} (${p.desiredSize} now), ${p.diskSizeGiB} GiB`;
  const rows: [string, string][] = [
    ["stackRole", config.stackRole],
    ["domain", `${config.domain} (zone ${config.hostedZoneId})`],
    ["cluster", `${c.mode}, Kubernetes ${c.kubernetesVersion}, network and runner from ${c.foundationStack ?? "-"}`],
    ["API access", `private; public from ${list(c.publicAccessCidrs)}`],
    ["admins / deployer / preview", `${list(c.adminRoleArns)} / ${c.deployerRoleArn ?? "-"} / ${c.previewRoleArn ?? "-"}`],
    ["system nodes", pool(c.systemNodes)],
    ["sandbox nodes", `${pool(c.sandboxNodes)}, gVisor ${c.gvisorVersion}`],
    ["platform API", `${config.platformApi.image}, ${config.platformApi.replicas} replicas, port ${config.platformApi.port}`],
    ["agent images", `${config.agentImages.gateway}; auth-guard ${config.agentImages.authGuard}`],
    ["admission", `latest tag: ${config.admission.latestTag}; registries: ${list(config.admission.allowedRegistries)}`],
    vaultRow(config),
    ["alerts", config.alertWebhookUrl ? "to the alert webhook [secret]" : "-"],
  ];
  return ["| Setting | Value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), ...tenantTable(config.tenants)];
}

function kept(resources: CapturedResource[]): string[] {
  const kept = resources.filter((r) => r.options.protect || r.options.retainOnDelete);
  if (kept.length === 0) return ["None."];
  // One row per type and treatment, so that the table grows with kinds of state, not with tenants.
  const rows = new Map<string, string[]>();
  for (const r of kept) {
    const key = `\`${r.type}\` | ${r.options.protect ? "yes" : "-"} | ${r.options.retainOnDelete ? "yes" : "-"}`;
    rows.set(key, [...(rows.get(key) ?? []), r.name]);
  }
  return ["| Resource | Type | Protected | Kept on delete |", "|---|---|---|---|", ...[...rows].map(([key, names]) => `| ${names.join(", ")} | ${key} |`)];
}

function outputs(values: Record<string, unknown>): string[] {
  const entries = Object.entries(values);
  if (entries.length === 0) return ["None."];
  const shown = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  // Outputs this stack leaves empty (Vault not configured yet, say) share one row.
  const empty = entries.filter(([, v]) => v === null).map(([k]) => k);
  return [
    "| Output | Value |",
    "|---|---|",
    ...entries.filter(([, v]) => v !== null).map(([k, v]) => `| ${k} | ${cell(shown(v)).slice(0, 160)} |`),
    ...(empty.length > 0 ? [`| ${empty.join(", ")} | null |`] : []),
  ];
}

function helmReleases(resources: CapturedResource[]): string[] {
  const releases = resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
  if (releases.length === 0) return ["No Helm releases."];
  const lines = ["| Release | Chart | Version | Namespace |", "|---|---|---|---|"];
  for (const r of releases) lines.push(`| ${r.inputs.name ?? r.name} | ${r.inputs.chart} | ${r.inputs.version} | ${r.inputs.namespace ?? ""} |`);
  return lines;
}

/** One row per component; tenants, which all look alike, as one row with their count. */
function resourcesByComponent(resources: CapturedResource[]): string[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const counts = new Map<string, Map<string, number>>();
  for (const resource of resources) {
    if (resource.type === STACK_TYPE || !resource.custom) continue;
    const component = componentOf(resource, byUrn).replace(/^agent-platform:tenant:TenantStack .*/, "agent-platform:tenant:TenantStack");
    const types = counts.get(component) ?? new Map<string, number>();
    types.set(resource.type, (types.get(resource.type) ?? 0) + 1);
    counts.set(component, types);
  }
  const tenants = resources.filter((r) => r.type === "agent-platform:tenant:TenantStack").length;
  const lines = ["| Component | Resources | Types |", "|---|---|---|"];
  for (const [component, types] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...types.values()].reduce((a, b) => a + b, 0);
    const label = component === "agent-platform:tenant:TenantStack" ? `${component} ×${tenants}` : component;
    const each = component === "agent-platform:tenant:TenantStack" && tenants > 0 ? ` (${total / tenants} each)` : "";
    lines.push(`| ${label} | ${total}${each} | ${types.size} |`);
  }
  return lines;
}

export interface SummaryInput {
  stack: string;
  resources: CapturedResource[];
  outputs: Record<string, unknown>;
  config?: StackConfig | FoundationConfig | TenantsConfig;
  manifestFiles: string[];
  catalog: Control[];
  policyReport: string[];
  /** The labelled diff against an older plan, when one was asked for. */
  diff?: { against: string; lines: string[] };
  /** Planned as a first `pulumi preview` (computed outputs unknown) rather than as an update. @default false */
  preview?: boolean;
}

export function renderSummary(input: SummaryInput): string {
  const custom = input.resources.filter((r) => r.custom).length;
  return [
    `# Offline ${input.preview ? "first preview" : "plan"} of stack \`${input.stack}\``,
    "",

    `${input.resources.length} resources declared (${custom} custom, ${input.resources.length - custom} components), ` +
      `Kubernetes objects in ${input.manifestFiles.length} manifest file(s).` +
      (input.preview ? " As a first `pulumi preview` from an empty account sees them: every value the cloud computes (IDs, ARNs, addresses, generated passwords) is `[unknown]`, and so is every input made from one." : ""),
    ...(input.diff ? ["", `## Changes since \`${input.diff.against}\``, "", ...input.diff.lines] : []),
    ...(input.config ? ["", "## Configuration", "", ...configuration(input.config)] : []),
    "",
    "## Protected and kept resources",
    "",
    ...kept(input.resources),
    "",
    "## Stack outputs",
    "",
    ...outputs(input.outputs),
    "",
    "## Helm releases",
    "",
    ...helmReleases(input.resources),
    "",
    "## Resources by component",
    "",
    ...resourcesByComponent(input.resources),
    "",
    "## Policy pack",
    "",
    ...input.policyReport,
    "",
    "## Control coverage",
    "",
    ...controlCoverage(input.catalog),
    "",
  ].join("\n");
}
