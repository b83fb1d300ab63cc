import type * as pulumi from "@pulumi/pulumi";
import type { TenantConfig } from "../../config/schema";
import type { VaultAgentAccess } from "../vault/configuration";

export interface TenantStackArgs {
  /** The validated tenant entry of the stack configuration. */
  tenant: TenantConfig;
  /** Images after tenant overrides are applied. */
  images: { gateway: string; authGuard: string };
  /** `api.<domain>`: the token issuer the auth-guard trusts, and always an allowed egress host. */
  platformApiHost: string;
  /** istiod's ClusterIP, which agent pods reach through a host alias. */
  istiodAddress: pulumi.Input<string>;
  /** The gVisor RuntimeClass from the cluster component. */
  runtimeClassName: string;
  /** Encrypted StorageClass for the workspace. @default the cluster's default class */
  storageClassName?: string;
  /** Vault, once configured: the tenant's entity, alias and role are declared there. @default undefined */
  vault?: VaultAgentAccess;
  /** What provides the CRDs the tenant uses (Istio, the Vault Secrets Operator). @default [] */
  dependsOn?: pulumi.Resource[];
}
