import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TenantStack } from "../components/tenant/tenant";
import type { VaultAgentAccess } from "../components/vault/configuration";
import type { TenantConfig, TenantsConfig } from "../config/schema";
import { type TenantContext, istiodClusterIp, vaultProvider } from "./context";

/** The images every agent runs unless its tenant overrides them. */
export interface AgentImages {
  gateway: string;
  authGuard: string;
}

/** One TenantStack per tenant, named by id so that no tenant's resources depend on list order. */
export function buildTenants(tenants: TenantConfig[], agentImages: AgentImages, context: TenantContext): TenantStack[] {
  return tenants.map(
    (tenant) =>
      new TenantStack(
        `tenant-${tenant.id}`,
        {
          tenant,
          images: {
            gateway: tenant.images?.gateway ?? agentImages.gateway,
            authGuard: tenant.images?.authGuard ?? agentImages.authGuard,
          },
          platformApiHost: context.platformApiHost,
          istiodAddress: context.istiodAddress,
          runtimeClassName: context.runtimeClassName,
          storageClassName: context.storageClassName,
          vault: context.vault,
          dependsOn: context.dependsOn,
        },
        { providers: [context.provider] },
      ),
  );
}

/**
 * What a tenants stack reads from its platform stack's outputs (composition/platform.ts exports
 * each): the cluster, and the names and images every tenant shares with the platform.
 */
export interface PlatformOutputsForTenants {
  apiHost: string;
  runtimeClass: string;
  storageClass: string | null;
  agentImages: AgentImages;
}

/**
 * The platform's shared facts, checked before any tenant is declared: a platform stack that was
 * never deployed, or predates one of these outputs, fails the tenants stack naming the output.
 */
export function checkPlatformOutputs(platformStack: string, outputs: Record<string, unknown>): PlatformOutputsForTenants {
  const problem = (name: string, rule: string) =>
    new Error(`platform stack ${platformStack}: output ${name} ${rule}; run \`pulumi up\` on the platform stack first`);
  const text = (name: string) => {
    const value = outputs[name];
    if (typeof value !== "string" || value === "") throw problem(name, "must be a non-empty string");
    return value;
  };
  const images = outputs.agentImages as Partial<AgentImages> | undefined;
  if (typeof images?.gateway !== "string" || typeof images.authGuard !== "string") {
    throw problem("agentImages", "must hold gateway and authGuard images");
  }
  const storageClass = outputs.storageClass;
  if (storageClass !== null && typeof storageClass !== "string") throw problem("storageClass", "must be a string or null");
  return {
    apiHost: text("apiHost"),
    runtimeClass: text("runtimeClass"),
    storageClass,
    agentImages: { gateway: images.gateway, authGuard: images.authGuard },
  };
}

/**
 * A tenants stack (one tenant, or a small shard) reaches the platform through the platform
 * stack's outputs: the cluster's kubeconfig, Vault's Kubernetes auth mount, and the names and
 * images the platform was deployed with. A StackReference is read in a preview too, so every
 * tenant is planned against the platform as it is.
 */
export async function shardContext(config: TenantsConfig): Promise<{ context: TenantContext; agentImages: AgentImages }> {
  const platform = new pulumi.StackReference("platform", { name: config.platformStack });
  const names: (keyof PlatformOutputsForTenants)[] = ["apiHost", "runtimeClass", "storageClass", "agentImages"];
  const details = await Promise.all(names.map((name) => platform.getOutputDetails(name)));
  const shared = checkPlatformOutputs(
    config.platformStack,
    Object.fromEntries(names.map((name, i) => [name, details[i].value ?? details[i].secretValue])),
  );
  const provider = new k8s.Provider("platform-cluster", {
    kubeconfig: platform.requireOutput("kubeconfig") as pulumi.Output<string>,
    enableServerSideApply: true,
  });
  const vault: VaultAgentAccess | undefined = config.vault.configure
    ? {
        provider: vaultProvider(config),
        authPath: platform.requireOutput("vaultKubernetesAuthPath") as pulumi.Output<string>,
        authAccessor: platform.requireOutput("vaultKubernetesAuthAccessor") as pulumi.Output<string>,
      }
    : undefined;
  const context: TenantContext = {
    provider,
    istiodAddress: istiodClusterIp(provider),
    runtimeClassName: shared.runtimeClass,
    storageClassName: shared.storageClass ?? undefined,
    platformApiHost: shared.apiHost,
    vault,
    dependsOn: [],
  };
  return { context, agentImages: shared.agentImages };
}
