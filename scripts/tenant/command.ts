import { runProgram } from "../engine/run";
import { type PlannedResource, diffPlans, formatDiff, plannedResources } from "../plan/diff";
import { policyResources, runPolicyPack } from "../plan/policies";
import { type CommandPlan, planCommand, qualifiedStack, stackFor } from "./decide";
import { type Step, type TenantCommand, TenantCommandError, type TenantStackSettings } from "./types";
import { type TenantWorkspace } from "./workspace";

export interface CommandIo {
  log(line: string): void;
  /** Asks the caller to type `expected`; true when they did. */
  confirm(question: string, expected: string): Promise<boolean>;
}

export interface TenantRow {
  stack: string;
  id: string;
  plan: string;
  provider: string;
  lifecycle: string;
}

/** What the caller gets back: the contract the platform API reads (docs/decisions/tenant-lifecycle.md). */
export interface CommandResult {
  verb: TenantCommand["verb"];
  tenant?: string;
  stack?: string;
  lifecycle?: string;
  message: string;
  dryRun: boolean;
  /** Resource changes per kind, summed over every `up`. */
  changes?: Record<string, number>;
  tenants?: TenantRow[];
}

/**
 * Runs one tenant command: reads what the tenant's stack last deployed, decides, confirms a
 * purge, then runs the steps in order. Nothing is touched before the request is known good.
 */
export async function runTenantCommand(command: TenantCommand, workspace: TenantWorkspace, io: CommandIo): Promise<CommandResult> {
  if (command.verb === "list") return list(command, workspace);
  const stack = stackFor(command.id!, command.shards);
  const recorded = await workspace.recordedSettings(stack);
  const plan = planCommand(command, recorded);
  const base = { verb: command.verb, tenant: command.id, stack: qualifiedStack(command.platformStack, stack), lifecycle: plan.after, dryRun: command.dryRun };
  if (command.dryRun) {
    await dryRun(plan, recorded, io);
    return { ...base, message: `dry run: ${plan.message}` };
  }
  if (plan.destructive && !command.yes) {
    const confirmed = await io.confirm(`This deletes tenant ${command.id}'s namespace, workspace and volume for good. Type the tenant id to go on:`, command.id!);
    if (!confirmed) throw new TenantCommandError("--purge: not confirmed (type the tenant id at the prompt, or pass --yes); nothing was changed");
  }
  const changes: Record<string, number> = {};
  for (const step of plan.steps) {
    io.log(`• ${describe(step)} ${base.stack}`);
    if (step.kind === "configure") await workspace.configure(stack, step.settings);
    if (step.kind === "up") for (const [kind, count] of Object.entries(await workspace.up(stack))) changes[kind] = (changes[kind] ?? 0) + count;
    if (step.kind === "destroy") await workspace.destroy(stack);
    if (step.kind === "remove") await workspace.remove(stack);
  }
  return { ...base, message: plan.message, changes };
}

function describe(step: Step): string {
  return { configure: "configure", up: "pulumi up", destroy: "pulumi destroy", remove: "remove stack" }[step.kind];
}

async function list(command: TenantCommand, workspace: TenantWorkspace): Promise<CommandResult> {
  const tenants: TenantRow[] = [];
  for (const stack of await workspace.listStacks()) {
    const settings = await workspace.recordedSettings(stack);
    for (const t of settings?.tenants ?? []) {
      tenants.push({ stack, id: t.id, plan: t.plan ?? "small", provider: t.modelProvider, lifecycle: t.lifecycle ?? "active" });
    }
  }
  return { verb: "list", message: `${tenants.length} tenant(s)`, dryRun: command.dryRun, tenants };
}

/** The offline plan of a tenants stack with these settings, as the engine and the policy pack see it. */
export async function planStackOffline(stack: string, settings: TenantStackSettings) {
  const run = await runProgram({ stack, stackDocument: { config: { stackRole: "tenants", ...settings } } });
  return { run, resources: plannedResources(run), policies: runPolicyPack(policyResources(run)) };
}

/** `--dry-run`: every configuration the steps would give the stack, planned offline, diffed in turn. */
async function dryRun(plan: CommandPlan, recorded: TenantStackSettings | undefined, io: CommandIo): Promise<void> {
  let previous: PlannedResource[] = recorded ? (await planStackOffline(plan.stack, recorded)).resources : [];
  for (const step of plan.steps) {
    if (step.kind === "destroy") {
      io.log(formatDiff(diffPlans(previous, [])));
      previous = [];
    }
    if (step.kind !== "configure") continue;
    const next = await planStackOffline(plan.stack, step.settings);
    io.log(`${plan.stack}: ${next.resources.length} resources, ${next.policies.mandatoryFailures} mandatory policy violation(s)`);
    io.log(formatDiff(diffPlans(previous, next.resources)));
    if (next.policies.mandatoryFailures > 0) throw new Error(`the policy pack refuses ${plan.stack}:\n${next.policies.report.join("\n")}`);
    previous = next.resources;
  }
}
