/**
 * A test double of the tenant command's workspace: stacks in memory, each `up` planned by the
 * offline engine, with what the engine would do to the cluster (create, update, delete, or keep
 * what a removed resource's retainOnDelete says) recorded per stack. As the engine does, whether a
 * removed resource is retained is read from the state the previous `up` wrote, never from the
 * program (pulumi/pulumi#13428).
 */
import type { CapturedResource } from "../engine/capture";
import { planStackOffline } from "./command";
import type { TenantStackSettings } from "./types";
import type { TenantWorkspace } from "./workspace";

interface FakeStack {
  config?: TenantStackSettings;
  /** What the last successful `up` deployed: its settings output and its resources. */
  deployed?: { settings: TenantStackSettings; resources: CapturedResource[] };
}

export class FakeTenantWorkspace implements TenantWorkspace {
  readonly stacks = new Map<string, FakeStack>();
  /** Every operation, as `<operation> <stack>`, in order. */
  readonly operations: string[] = [];
  /** Resources a removal left in the cluster (retainOnDelete), by stack. */
  readonly keptInCluster = new Map<string, CapturedResource[]>();
  /** Make the next `up` fail, as a cluster that refuses a change would. */
  failNextUp?: string;

  async listStacks() {
    return [...this.stacks.keys()].sort();
  }

  async recordedSettings(stack: string) {
    return this.stacks.get(stack)?.deployed?.settings;
  }

  async configure(stack: string, settings: TenantStackSettings) {
    this.operations.push(`configure ${stack}`);
    const existing = this.stacks.get(stack) ?? {};
    this.stacks.set(stack, { ...existing, config: structuredClone(settings) });
  }

  async up(stack: string) {
    this.operations.push(`up ${stack}`);
    const entry = this.stacks.get(stack);
    if (!entry?.config) throw new Error(`stack ${stack} has no configuration`);
    if (this.failNextUp) {
      const message = this.failNextUp;
      this.failNextUp = undefined;
      throw new Error(message);
    }
    const { run } = await planStackOffline(stack, entry.config);
    const before = entry.deployed?.resources ?? [];
    const changes = this.removeMissing(stack, before, run.resources);
    changes.create = run.resources.filter((r) => !before.some((b) => b.urn === r.urn)).length;
    entry.deployed = { settings: run.outputs.settings as TenantStackSettings, resources: run.resources };
    return changes;
  }

  async destroy(stack: string) {
    this.operations.push(`destroy ${stack}`);
    const entry = this.stacks.get(stack);
    this.removeMissing(stack, entry?.deployed?.resources ?? [], []);
    if (entry) entry.deployed = { settings: entry.deployed!.settings, resources: [] };
  }

  async remove(stack: string) {
    this.operations.push(`remove ${stack}`);
    if ((this.stacks.get(stack)?.deployed?.resources.length ?? 0) > 0) throw new Error(`stack ${stack} still has resources`);
    this.stacks.delete(stack);
  }

  /** The resources of a stack's last `up`. */
  resources(stack: string): CapturedResource[] {
    return this.stacks.get(stack)?.deployed?.resources ?? [];
  }

  private removeMissing(stack: string, before: CapturedResource[], after: CapturedResource[]): Record<string, number> {
    const removed = before.filter((b) => !after.some((a) => a.urn === b.urn));
    const kept = removed.filter((r) => (r.options as { retainOnDelete?: boolean }).retainOnDelete);
    this.keptInCluster.set(stack, [...(this.keptInCluster.get(stack) ?? []), ...kept]);
    return { delete: removed.length - kept.length, retain: kept.length };
  }
}
