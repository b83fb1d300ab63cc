import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { standardLabels } from "../components/shared/labels";
import type { VaultAgentAccess } from "../components/vault/configuration";
import { vaultProviderArgs } from "../components/vault/provider";
import { PROJECT } from "../config/defaults";
import type { StackConfig } from "../config/schema";

/*
 * What the platform and the tenants share, whether the tenants are declared beside the platform
 * or in a shard behind a StackReference. Both import from here; neither imports the other.
 */

/** What every tenant needs from the platform, whether in this stack or behind a StackReference. */
export interface TenantContext {
  provider: k8s.Provider;
  istiodAddress: pulumi.Input<string>;
  runtimeClassName: string;
  storageClassName?: string;
  platformApiHost: string;
  vault?: VaultAgentAccess;
  dependsOn: pulumi.Resource[];
}

/** The ConfigMap that stands for "the platform is ready for tenants" (kube-system, cluster admins only). */
export const PLATFORM_READY = { namespace: "kube-system", name: "agent-platform-ready" };

/**
 * What every tenant waits for: admission live, the mesh and its CRDs, the secrets operator, and the
 * sandboxes' runtime monitor. Waiting on the components themselves would record every one of their
 * resources (about ninety) as a dependency of each tenant resource that needs them: at a thousand
 * tenants close to a million dependency entries in the stack's state, written at every checkpoint.
 * This one object is created only once all of them are, and the tenants wait for it: the same
 * order, one entry each (docs/decisions/tenant-dependencies.md).
 */
export function declarePlatformReady(provider: k8s.Provider, parts: Record<string, pulumi.Resource>): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(
    "platform-ready",
    {
      metadata: { ...PLATFORM_READY, labels: standardLabels(PROJECT, "platform-ready") },
      data: { waitsFor: Object.keys(parts).sort().join(",") },
    },
    { provider, dependsOn: Object.values(parts) },
  );
}

/** istiod's Service is the Istio chart's; its address is read back from the cluster. */
export function istiodClusterIp(provider: k8s.Provider, dependsOn: pulumi.Resource[] = []): pulumi.Output<string> {
  return k8s.core.v1.Service.get("istiod", "istio-system/istiod", { provider, dependsOn }).spec.clusterIP;
}

/**
 * The `kubernetes` Service's ClusterIP: pods call the API server there, and the VPC CNI's eBPF
 * program, attached before kube-proxy's DNAT, matches egress against this address.
 */
export function kubernetesClusterIp(provider: k8s.Provider, dependsOn: pulumi.Resource[] = []): pulumi.Output<string> {
  return k8s.core.v1.Service.get("kubernetes", "default/kubernetes", { provider, dependsOn }).spec.clusterIP;
}

/** The Vault provider for the configuration phase; it reads its token from the environment. */
export function vaultProvider(config: Pick<StackConfig, "vault">): vault.Provider {
  return new vault.Provider(
    "vault",
    vaultProviderArgs({
      address: config.vault.address!,
      caCertFile: config.vault.caCertFile,
      tlsServerName: config.vault.tlsServerName,
      jwt: config.vault.jwtRole ? { role: config.vault.jwtRole } : undefined,
    }),
  );
}
