import { ALL_POLICIES } from "../../policy-pack/policies";
import { DeclaredResource, PackConfig, Violation, runPolicies } from "../../policy-pack/testing";
import { UNKNOWN } from "../engine/mocks";
import { UNKNOWN_MARK } from "../engine/serialize";

/** A captured value as the engine sends it to the analyzer: what the capture marks unknown is the wire's unknown again. */
function asSent(value: unknown): unknown {
  if (value === UNKNOWN_MARK) return UNKNOWN;
  if (Array.isArray(value)) return value.map(asSent);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asSent(v)]));
  return value;
}

/**
 * What the engine hands a policy pack: the declared resources and the StackReferences the program
 * reads (a tenants shard's reference to its platform stack, which some policies rely on).
 */
export function policyResources(run: { resources: DeclaredResource[]; reads: { urn: string; type: string; name: string; inputs: Record<string, unknown> }[] }): DeclaredResource[] {
  const references = run.reads.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => ({ ...r, options: {} }));
  return [...run.resources, ...references].map((r) => ({ ...r, inputs: asSent(r.inputs) as Record<string, unknown> }));
}

export interface PolicyPackResult {
  violations: Violation[];
  mandatoryFailures: number;
  /** Validations that could not decide on a value unknown until the resources exist (a first preview). */
  undecided: number;
  /** Markdown lines for the "Policy pack" section of summary.md. */
  report: string[];
}

/** How the analyzer begins the advisory of a validation that met an unknown value. */
const UNDECIDED_PREFIX = "can't run policy ";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * Runs every policy of policy-pack/ over the plan's resources, in-process (no Pulumi engine), and
 * says what failed. A mandatory violation is what `pulumi preview` with the pack would refuse.
 * `resources` are the plan's captured resources: CapturedResource (scripts/engine/capture.ts) fits.
 */
export function runPolicyPack(resources: DeclaredResource[], config: PackConfig = {}): PolicyPackResult {
  const { violations, undecided } = runPolicies(ALL_POLICIES, resources, config);
  const mandatoryFailures = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisories = violations.length - mandatoryFailures - undecided.length;
  // summary.md supplies the "## Policy pack" heading.
  const byPolicy = new Map<string, typeof undecided>();
  for (const u of undecided) byPolicy.set(u.policy, [...(byPolicy.get(u.policy) ?? []), u]);
  // Each undecided validation is an advisory "can't run policy ... during preview" of the CLI.
  const deferred =
    undecided.length > 0
      ? ` ${undecided.length} validation(s) of ${byPolicy.size} policies could not decide, as in a first \`pulumi preview\`: they read a value unknown until the resource it comes from exists (the CLI's advisory "can't run policy"); \`pulumi up\` runs them again on known values.`
      : "";
  const report = [`${ALL_POLICIES.length} policies checked ${resources.length} resources: ${mandatoryFailures} mandatory violation(s), ${advisories} advisory.${deferred}`];
  const decided = violations.filter((v) => !v.message.startsWith(UNDECIDED_PREFIX));
  if (decided.length > 0) {
    report.push("", "| Level | Policy | Resource | Message |", "|---|---|---|---|");
    for (const v of decided) report.push(`| ${v.enforcementLevel} | ${v.policy} | ${cell(v.urn ?? "(stack)")} | ${cell(v.message)} |`);
  }
  if (undecided.length > 0) {
    report.push("", "| Policy | Undecided | First unknown value |", "|---|---|---|");
    for (const [policy, list] of byPolicy) report.push(`| ${policy} | ${list.length} | ${cell(`${list[0].urn?.split("::").pop() ?? "(stack)"}: ${list[0].reason}`)} |`);
  }
  return { violations, mandatoryFailures, undecided: undecided.length, report };
}
