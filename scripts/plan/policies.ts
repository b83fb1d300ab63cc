import { ALL_POLICIES } from "../../policy-pack/policies";
import { DeclaredResource, PackConfig, Violation, runPolicies } from "../../policy-pack/testing";

/**
 * What the engine hands a policy pack: the declared resources and the StackReferences the program
 * reads (a tenants shard's reference to its platform stack, which some policies rely on).
 */
export function policyResources(run: { resources: DeclaredResource[]; reads: { urn: string; type: string; name: string; inputs: Record<string, unknown> }[] }): DeclaredResource[] {
  const references = run.reads.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => ({ ...r, options: {} }));
  return [...run.resources, ...references];
}

export interface PolicyPackResult {
  violations: Violation[];
  mandatoryFailures: number;
  /** Markdown lines for the "Policy pack" section of summary.md. */
  report: string[];
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * Runs every policy of policy-pack/ over the plan's resources, in-process (no Pulumi engine), and
 * says what failed. A mandatory violation is what `pulumi preview` with the pack would refuse.
 * `resources` are the plan's captured resources: CapturedResource (scripts/engine/capture.ts) fits.
 */
export function runPolicyPack(resources: DeclaredResource[], config: PackConfig = {}): PolicyPackResult {
  const { violations } = runPolicies(ALL_POLICIES, resources, config);
  const mandatoryFailures = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisories = violations.length - mandatoryFailures;
  // summary.md supplies the "## Policy pack" heading.
  const report = [`${ALL_POLICIES.length} policies checked ${resources.length} resources: ${mandatoryFailures} mandatory violation(s), ${advisories} advisory.`];
  if (violations.length > 0) {
    report.push("", "| Level | Policy | Resource | Message |", "|---|---|---|---|");
    for (const v of violations) report.push(`| ${v.enforcementLevel} | ${v.policy} | ${cell(v.urn ?? "(stack)")} | ${cell(v.message)} |`);
  }
  return { violations, mandatoryFailures, report };
}
