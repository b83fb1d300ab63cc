import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { STORAGE_CLASS_NAME, RUNTIME_CLASS_NAME } from "../components/cluster/defaults";
import { TenantStack } from "../components/tenant/tenant";
import type { VaultAgentAccess } from "../components/vault/configuration";
import type { StackConfig } from "../config/schema";
import { type TenantContext, istiodClusterIp, vaultProvider } from "./context";

/** One TenantStack per tenant, named by id so that no tenant's resources depend on list order. */
export function buildTenants(config: StackConfig, context: TenantContext): TenantStack[] {
  return config.tenants.map(
    (tenant) =>
      new TenantStack(
        `tenant-${tenant.id}`,
        {
          tenant,
          images: {
            gateway: tenant.images?.gateway ?? config.agentImages.gateway,
            authGuard: tenant.images?.authGuard ?? config.agentImages.authGuard,
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
 * A tenants shard reaches the platform through the platform stack's outputs: the cluster's
 * kubeconfig and Vault's Kubernetes auth mount. Names it shares with the platform (API host,
 * RuntimeClass, StorageClass) follow from the same configuration.
 */
export function shardContext(config: StackConfig): TenantContext {
  const platform = new pulumi.StackReference("platform", { name: config.platformStack! });
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
  return {
    provider,
    istiodAddress: istiodClusterIp(provider),
    runtimeClassName: RUNTIME_CLASS_NAME,
    storageClassName: config.cluster.mode === "eks" ? STORAGE_CLASS_NAME : undefined,
    platformApiHost: `api.${config.domain}`,
    vault,
    dependsOn: [],
  };
}
