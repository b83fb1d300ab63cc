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

/** Runs the repository's program (`workDir`) in stacks of the platform stack's organization. */
export async function automationWorkspace(workDir: string, platformStack: string, log: (line: string) => void): Promise<TenantWorkspace> {
  const workspace = await LocalWorkspace.create({ workDir });
  const name = (stack: string) => qualifiedStack(platformStack, stack);
  const select = (stack: string) => Stack.select(name(stack), workspace);
  const listStacks = async () => {
    const stacks = await workspace.listStacks();
    // The CLI names a stack of another organization in full; a tenant stack's short name is its last part.
    return stacks.map((s) => s.name.split("/").pop()!).filter((s) => TENANT_STACK.test(s)).sort();
  };
  return {
    listStacks,
    async recordedSettings(stack) {
      const known = await listStacks();
      if (!known.includes(stack)) return undefined;
      const outputs = await workspace.stackOutputs(name(stack));
      return outputs.settings?.value as TenantStackSettings | undefined;
    },
    async configure(stack, settings) {
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
