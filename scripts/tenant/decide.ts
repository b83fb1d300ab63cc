/**
 * The tenant command's decisions, free of any Pulumi call: where a tenant's stack is, what its
 * configuration becomes, and which stack operations get it there (docs/decisions/tenant-lifecycle.md).
 */
import { DEFAULTS, PROJECT, TENANT_PLANS, type TenantLifecycle } from "../../config/defaults";
import { parseQuantity } from "../../config/rules";
import { ConfigError } from "../../config/errors";
import { parseTenantsConfig } from "../../config/load";
import { type Step, type TenantCommand, TenantCommandError, type TenantEntry, type TenantStackSettings } from "./types";

/** The stack that holds a tenant: `tenant-<id>`, or `tenants-<k>` of a fixed number of shards. */
export function stackFor(id: string, shards?: number): string {
  if (!shards) return `tenant-${id}`;
  // FNV-1a: stable across runs and machines, so a tenant is always looked for where it was placed.
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `tenants-${hash % shards}`;
}

/** `<org>/agent-platform/<stack>`: tenant stacks live in the platform stack's organization. */
export function qualifiedStack(platformStack: string, stack: string): string {
  return `${platformStack.split("/")[0]}/${PROJECT}/${stack}`;
}

/** The flags a tenant field is set with, so an invalid value is reported as the caller typed it. */
const FIELD_FLAGS: Record<string, string> = {
  id: "<id>",
  plan: "--plan",
  modelProvider: "--provider",
  displayName: "--display-name",
  allowedApiHosts: "--allowed-host",
  storage: "--storage",
  platformStack: "--platform-stack",
  vault: "--vault-address",
};

/** Validates the settings a stack is about to get with the program's own schema, naming the flag. */
export function checkSettings(settings: TenantStackSettings): void {
  try {
    parseTenantsConfig({ stackRole: "tenants", ...settings });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.map((p) => {
      const field = p.key.replace(`${PROJECT}:`, "").replace(/^tenants\[\d+\]\./, "").split(/[.[]/)[0];
      return `${FIELD_FLAGS[field] ?? p.key}: ${p.rule} (got ${p.value})`;
    });
    throw new TenantCommandError(problems.join("\n"));
  }
}

export interface CommandPlan {
  stack: string;
  steps: Step[];
  /** The tenant's lifecycle once the steps have run; `absent` when it is gone. */
  after: TenantLifecycle | "absent";
  /** What the caller is told, whatever the steps. */
  message: string;
  /** `delete --purge`: deletes the workspace for good, so it needs a confirmation. */
  destructive: boolean;
}

const lifecycleOf = (entry: TenantEntry) => entry.lifecycle ?? "active";

function withTenant(settings: TenantStackSettings, entry: TenantEntry): TenantStackSettings {
  const others = settings.tenants.filter((t) => t.id !== entry.id);
  return { ...settings, tenants: [...others, entry].sort((a, b) => a.id.localeCompare(b.id)) };
}

const effectiveStorage = (entry: TenantEntry) => entry.storage ?? TENANT_PLANS[entry.plan ?? DEFAULTS.tenant.plan].storage;

/**
 * Kubernetes refuses to shrink a claim, so an `up` that asks for less would fail on every re-run.
 * A smaller plan keeps the workspace at its size; an explicit smaller `--storage` is refused.
 */
function keepWorkspace(current: TenantEntry, next: TenantEntry, spec: TenantCommand["spec"]): TenantEntry {
  const have = effectiveStorage(current);
  const want = effectiveStorage(next);
  if (parseQuantity(want)! >= parseQuantity(have)!) return next;
  if (spec.storage !== undefined) {
    throw new TenantCommandError(`--storage: a workspace cannot shrink: tenant ${current.id} has ${have} (got ${JSON.stringify(spec.storage)})`);
  }
  return { ...next, storage: have };
}

function sameSpec(entry: TenantEntry, spec: TenantCommand["spec"]): boolean {
  const recorded: TenantEntry = { plan: DEFAULTS.tenant.plan, ...entry };
  return Object.entries(spec).every(([key, value]) => JSON.stringify(recorded[key as keyof TenantEntry]) === JSON.stringify(value));
}

/**
 * What the command does to the stack that holds the tenant, given what that stack last deployed
 * (`recorded`, undefined when the stack does not exist). Every verb is safe to re-run: a repeat
 * converges on the same state, and a bad request throws before any step.
 */
export function planCommand(command: TenantCommand, recorded: TenantStackSettings | undefined): CommandPlan {
  const id = command.id!;
  const stack = stackFor(id, command.shards);
  const base: TenantStackSettings = {
    platformStack: command.platformStack,
    vault: command.vault ?? recorded?.vault ?? { configure: false },
    tenants: recorded?.tenants ?? [],
  };
  if (recorded && recorded.platformStack !== command.platformStack) {
    throw new TenantCommandError(`--platform-stack: stack ${stack} runs on ${recorded.platformStack}, not ${command.platformStack}; a tenant cannot move platforms`);
  }
  const current = base.tenants.find((t) => t.id === id);
  const state = current ? lifecycleOf(current) : "absent";
  const apply = (entry: TenantEntry, message: string): CommandPlan => {
    const settings = withTenant(base, entry);
    checkSettings(settings);
    return { stack, steps: [{ kind: "configure", settings }, { kind: "up" }], after: lifecycleOf(entry), message, destructive: false };
  };
  const refuse = (rule: string) => new TenantCommandError(`${command.verb} ${id}: ${rule}`);

  if (state === "purging" && !(command.verb === "delete" && command.purge)) {
    throw refuse("the tenant is being purged; finish it with `delete --purge`");
  }
  switch (command.verb) {
    case "create": {
      if (state === "active" || state === "suspended") {
        if (!sameSpec(current!, command.spec)) throw refuse(`the tenant exists (${state}); change it with \`update\``);
        return apply(current!, state === "active" ? `${id} exists; re-applied` : `${id} exists, suspended; re-applied`);
      }
      // A deleted tenant is restored with the namespace and workspace it kept.
      if (!command.spec.modelProvider && !current) throw new TenantCommandError("--provider: is required to create a tenant");
      const restored = { ...current, ...command.spec, id, lifecycle: "active" } as TenantEntry;
      const entry = current ? keepWorkspace(current, restored, command.spec) : restored;
      return apply(entry, state === "deleted" ? `${id} restored with its workspace` : `${id} created`);
    }
    case "update":
      if (state !== "active" && state !== "suspended") throw refuse(state === "absent" ? "no such tenant; `create` it" : "the tenant is deleted; `create` it again to restore it");
      return apply(keepWorkspace(current!, { ...current!, ...command.spec }, command.spec), `${id} updated`);
    case "suspend":
    case "resume": {
      if (state !== "active" && state !== "suspended") throw refuse(state === "absent" ? "no such tenant" : "the tenant is deleted; `create` it again to restore it");
      const lifecycle = command.verb === "suspend" ? "suspended" : "active";
      return apply({ ...current!, lifecycle }, `${id} ${lifecycle === state ? `already ${state}; re-applied` : lifecycle === "active" ? "resumed" : "suspended"}`);
    }
    case "delete": {
      if (state === "absent") return { stack, steps: [], after: "absent", message: `${id}: no such tenant, nothing to delete`, destructive: false };
      if (!command.purge) return apply({ ...current!, lifecycle: "deleted" }, `${id} deleted; its namespace and workspace are kept until \`delete --purge\``);
      return planPurge(base, current!, stack);
    }
    default:
      throw new TenantCommandError(`${command.verb}: not a command on one tenant`);
  }
}

/**
 * A purge first lets the namespace and workspace go (lifecycle `purging`), then removes the
 * tenant: the last tenant of a stack takes the stack with it.
 */
function planPurge(base: TenantStackSettings, current: TenantEntry, stack: string): CommandPlan {
  const purging = withTenant(base, { ...current, lifecycle: "purging" });
  const remaining = base.tenants.filter((t) => t.id !== current.id);
  const removal: Step[] =
    remaining.length === 0
      ? [{ kind: "destroy" }, { kind: "remove" }]
      : [{ kind: "configure", settings: { ...base, tenants: remaining } }, { kind: "up" }];
  return {
    stack,
    steps: [{ kind: "configure", settings: purging }, { kind: "up" }, ...removal],
    after: "absent",
    message: `${current.id} purged: its namespace, workspace and volume are deleted`,
    destructive: true,
  };
}
