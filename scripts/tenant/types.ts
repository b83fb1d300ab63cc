import type { z } from "zod";
import type { TenantLifecycle, TenantPlanName } from "../../config/defaults";
import type { vaultSchema } from "../../config/tenantSchema";

export const VERBS = ["create", "update", "suspend", "resume", "delete", "list"] as const;
export type Verb = (typeof VERBS)[number];

/** A tenant entry as a tenants stack's configuration holds it: what was asked, before defaults. */
export interface TenantEntry {
  id: string;
  modelProvider: string;
  plan?: TenantPlanName;
  displayName?: string;
  allowedApiHosts?: string[];
  storage?: string;
  lifecycle?: TenantLifecycle;
}

/** How a tenants stack's Pulumi program reaches Vault (config `vault`, as given); no token, ever. */
export type VaultSettings = z.input<typeof vaultSchema>;

/** Everything a tenants stack is configured with; it exports the same as its `settings` output. */
export interface TenantStackSettings {
  platformStack: string;
  vault: VaultSettings;
  tenants: TenantEntry[];
}

/** What the caller asks for: one verb on one tenant (or `list`), validated. */
export interface TenantCommand {
  verb: Verb;
  /** Absent for `list` only. */
  id?: string;
  /** The fields `create` and `update` set; unset fields keep their recorded value. */
  spec: Partial<Omit<TenantEntry, "id" | "lifecycle">>;
  platformStack: string;
  /** Tenants share this many shard stacks instead of one stack each. @default undefined (one stack per tenant) */
  shards?: number;
  /** Vault settings for the tenant's stack; unset keeps the recorded ones. @default undefined */
  vault?: VaultSettings;
  purge: boolean;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}

/** One operation on a stack, in order. */
export type Step =
  | { kind: "configure"; settings: TenantStackSettings }
  | { kind: "up" }
  | { kind: "destroy" }
  | { kind: "remove" };

/** A bad request: names the argument and the rule. Nothing has been touched when it is thrown. */
export class TenantCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantCommandError";
  }
}
