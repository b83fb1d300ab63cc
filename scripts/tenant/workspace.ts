/**
 * The stack operations the tenant command needs, and their adapter over Pulumi's Automation API.
 * The adapter only translates: every decision is in decide.ts, tested without it.
 */
import { LocalWorkspace, type ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { PROJECT } from "../../config/defaults";
import { qualifiedStack } from "./decide";
import type { TenantStackSettings } from "./types";

export interface TenantWorkspace {
  /** Short names of the project's tenant stacks (`tenant-<id>`, `tenants-<k>`). */
  listStacks(): Promise<string[]>;
  /** What the stack last deployed (its `settings` output); undefined if it does not exist or never deployed. */
  recordedSettings(stack: string): Promise<TenantStackSettings | undefined>;
  /** Creates the stack if need be and replaces its whole configuration. */
  configure(stack: string, settings: TenantStackSettings): Promise<void>;
  /** `pulumi up`; the counts of what changed. */
  up(stack: string): Promise<Record<string, number>>;
  destroy(stack: string): Promise<void>;
  remove(stack: string): Promise<void>;
}

/** The stack configuration a tenants stack gets: each setting of the project's namespace. */
export function stackConfigMap(settings: TenantStackSettings): ConfigMap {
  return {
    [`${PROJECT}:stackRole`]: { value: "tenants" },
    [`${PROJECT}:platformStack`]: { value: settings.platformStack },
    [`${PROJECT}:vault`]: { value: JSON.stringify(settings.vault) },
    [`${PROJECT}:tenants`]: { value: JSON.stringify(settings.tenants) },
  };
}

export const TENANT_STACK = /^tenants?-[a-z0-9-]+$/;

/**
 * The tenant stacks among the names `pulumi stack ls` prints: short for the current organization
 * and project, `<org>/<stack>` or `<org>/<project>/<stack>` otherwise. Only the platform's
 * organization and this project count: a `tenant-x` elsewhere is not ours.
 */
export function tenantStackNames(names: string[], platformStack: string): string[] {
  const org = platformStack.split("/")[0];
  const ours = names.filter((n) => {
    const parts = n.split("/");
    if (parts.length === 3) return parts[0] === org && parts[1] === PROJECT;
    if (parts.length === 2) return parts[0] === org;
    return true;
  });
  return [...new Set(ours.map((n) => n.split("/").pop()!))].filter((s) => TENANT_STACK.test(s)).sort();
}

/** Runs the repository's program (`workDir`) in stacks of the platform stack's organization. */
export async function automationWorkspace(workDir: string, platformStack: string, log: (line: string) => void): Promise<TenantWorkspace> {
  const workspace = await LocalWorkspace.create({ workDir });
  const name = (stack: string) => qualifiedStack(platformStack, stack);
  const select = (stack: string) => Stack.select(name(stack), workspace);
  // Listed once per command: `list` then reads each stack's outputs without listing again.
  let listed: Promise<string[]> | undefined;
  const listStacks = () => (listed ??= workspace.listStacks().then((stacks) => tenantStackNames(stacks.map((s) => s.name), platformStack)));
  return {
    listStacks,
    async recordedSettings(stack) {
      const known = await listStacks();
      if (!known.includes(stack)) return undefined;
      const outputs = await workspace.stackOutputs(name(stack));
      return outputs.settings?.value as TenantStackSettings | undefined;
    },
    async configure(stack, settings) {
      listed = undefined;
      await Stack.createOrSelect(name(stack), workspace);
      await workspace.setAllConfig(name(stack), stackConfigMap(settings));
    },
    async up(stack) {
      const result = await (await select(stack)).up({ onOutput: log });
      return result.summary.resourceChanges ?? {};
    },
    async destroy(stack) {
      await (await select(stack)).destroy({ onOutput: log });
    },
    async remove(stack) {
      listed = undefined;
      await workspace.removeStack(name(stack));
    },
  };
}

/** For `--dry-run` where no Pulumi CLI is installed: no stack exists, and nothing may be written. */
export function offlineWorkspace(): TenantWorkspace {
  const refuse = async () => {
    throw new Error("the offline workspace changes no stack");
  };
  return { listStacks: async () => [], recordedSettings: async () => undefined, configure: refuse, up: refuse, destroy: refuse, remove: refuse };
}
