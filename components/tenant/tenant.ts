import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { TENANT_PLANS } from "../../config/defaults";
import { AGENT_PROXY_RESOURCES, buildAgentIngressPolicy, buildAgentSidecar } from "../mesh";
import { SANDBOX_POD_OVERHEAD } from "../cluster/defaults";
import { standardLabels } from "../shared/labels";
import { grantAgent } from "../vault/configuration";
import { buildAgentSecretSync } from "../vault/operator";
import type { TenantStackArgs } from "./args";
import { AUTH_GUARD_PORT, AUTH_GUARD_RESOURCES, EGRESS_PROXY_PORT, EGRESS_PROXY_RESOURCES, NAMES } from "./defaults";
import { buildEgressProxy } from "./egress";
import { keepsData, runsWorkloads, tenantReplicas } from "./lifecycle";
import { buildTenantPki } from "./pki";
import { credentialTemplate, providerHost } from "./provider";
import { buildLimitRange, buildResourceQuota, buildTenantNamespace, tenantNamespaceName } from "./namespace";
import { declareStaticNetworkPolicies } from "../network/declare";
import { buildNetworkPolicies } from "./network";
import { buildAgentService, buildAgentStatefulSet, buildServiceAccount, buildWorkspaceClaim, gatewayResources } from "./workload";

/** What a purged workspace's volume does once its claim is gone. */
export const PURGED_VOLUME_POLICY = "Delete";

/** gVisor's per-pod overhead, declared on the RuntimeClass and charged against the quota. */
const SANDBOX_OVERHEAD = { limits: { ...SANDBOX_POD_OVERHEAD } };

/**
 * Hosts every agent may tunnel to (NET-07): its other allowed API hosts and the platform API. Its
 * provider host is not among them: the agent reaches it only through the proxy's provider
 * listener, which holds the key (SEC-09), so no tunnel can carry a key of the agent's own there.
 */
export function allowedEgressHosts(args: Pick<TenantStackArgs, "tenant" | "platformApiHost">): string[] {
  const provider = providerHost(args.tenant);
  return [...new Set([...args.tenant.allowedApiHosts.filter((h) => h !== provider), args.platformApiHost])].sort();
}

/**
 * One isolated agent instance: its namespace, quota and network isolation, the sandboxed agent
 * behind its auth-guard and mesh sidecar, its egress proxy, and its key synced from Vault.
 * Every name derives from the tenant id, so adding or removing a tenant touches no other.
 */
export class TenantStack extends pulumi.ComponentResource {
  readonly namespace: string;

  constructor(name: string, args: TenantStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:tenant:TenantStack", name, { tenantId: args.tenant.id }, opts);
    const { tenant } = args;
    const ns = tenantNamespaceName(tenant.id);
    this.namespace = ns;

    // Removing a tenant from the configuration keeps its namespace and workspace (SEC-07): Pulumi
    // forgets them, the cluster keeps them until the offboarding step deletes them
    // (docs/decisions/tenant-offboarding.md). Only a tenant being purged lets them go.
    const retain = { retainOnDelete: keepsData(tenant.lifecycle) };
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, buildTenantNamespace(tenant), { parent: this, ...retain });
    const inNamespace = { parent: this, dependsOn: [namespace] };
    const workspaceClaim = buildWorkspaceClaim(ns, tenant.storage, args.storageClassName);
    if (!runsWorkloads(tenant.lifecycle)) {
      // A deleted tenant keeps its data and nothing else: no pod, no identity, no key.
      const workspace = new k8s.core.v1.PersistentVolumeClaim(`${name}-workspace`, workspaceClaim, { ...inNamespace, ...retain });
      if (tenant.lifecycle === "purging") releaseWorkspaceVolume(name, ns, workspace, this);
      new k8s.core.v1.ResourceQuota(`${name}-quota`, buildResourceQuota(ns, tenant, []), inNamespace);
      this.registerOutputs({ namespace: ns, lifecycle: tenant.lifecycle });
      return;
    }
    const replicas = tenantReplicas(tenant.lifecycle);
    const afterCrds = { parent: this, dependsOn: [namespace, ...(args.dependsOn ?? [])] };

    const plan = TENANT_PLANS[tenant.plan];
    const agentContainers = [
      gatewayResources(tenant),
      AUTH_GUARD_RESOURCES,
      AGENT_PROXY_RESOURCES,
      SANDBOX_OVERHEAD,
    ];
    // A suspended tenant's quota is zero: it reserves nothing and nothing of it can start.
    const pods = replicas > 0 ? [{ containers: agentContainers }, { containers: [EGRESS_PROXY_RESOURCES, SANDBOX_OVERHEAD] }] : [];
    // The pods wait for their quota and limits: resuming raises a zero quota before any pod is created.
    const budget = [
      new k8s.core.v1.ResourceQuota(`${name}-quota`, buildResourceQuota(ns, tenant, pods), inNamespace),
      new k8s.core.v1.LimitRange(`${name}-limits`, buildLimitRange(ns, tenant, { cpu: plan.cpu, memory: plan.memory }), inNamespace),
    ];

    // The pods start after their policies: in strict mode they would otherwise sit denied until then.
    const policies = declareStaticNetworkPolicies(name, buildNetworkPolicies(ns), inNamespace);
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, buildServiceAccount(ns), inNamespace);

    // SEC-09: the tenant's CA and the proxy's serving certificate, then the proxy holding the key.
    const pki = buildTenantPki(ns).map(
      (object) => new k8s.apiextensions.CustomResource(`${name}-${object.kind.toLowerCase()}-${object.metadata.name}`, object, afterCrds),
    );
    const egress = buildEgressProxy(ns, allowedEgressHosts(args), args.runtimeClassName, { tenant, host: providerHost(tenant) }, replicas);
    new k8s.core.v1.ConfigMap(`${name}-egress-proxy-config`, egress.configMap, inNamespace);
    const egressService = new k8s.core.v1.Service(`${name}-egress-proxy`, egress.service, inNamespace);
    new k8s.apps.v1.Deployment(`${name}-egress-proxy`, egress.deployment, { ...inNamespace, dependsOn: [namespace, ...policies, ...pki, ...budget] });

    // One random value holds both secrets (32 characters each): every resource counts in a one-tenant stack.
    const guardSecrets = new random.RandomPassword(`${name}-auth-guard-secrets`, { length: 64, special: false }, { parent: this });
    new k8s.core.v1.Secret(
      `${name}-auth-guard`,
      {
        metadata: { name: NAMES.authGuardSecret, namespace: ns, labels: standardLabels(NAMES.agent, "auth-guard") },
        type: "Opaque",
        stringData: {
          "cookie-secret": pulumi.secret(guardSecrets.result.apply((value) => value.slice(0, 32))),
          "client-secret": pulumi.secret(guardSecrets.result.apply((value) => value.slice(32))),
        },
      },
      inNamespace,
    );

    // SEC-04, SEC-05: the tenant's own Vault identity, and its provider key synced into this namespace only.
    const grant = args.vault
      ? grantAgent(`${name}-vault`, args.vault, { tenantId: tenant.id, namespace: ns, serviceAccount: NAMES.serviceAccount }, { parent: this })
      : undefined;
    const sync = buildAgentSecretSync({
      tenantId: tenant.id,
      namespace: ns,
      serviceAccount: NAMES.serviceAccount,
      // SEC-09: the key goes to the proxy alone, rendered as the header its provider expects.
      rolloutRestartTargets: [{ kind: "Deployment", name: NAMES.egressProxy }],
      templates: credentialTemplate(tenant),
    });
    const vaultAuth = new k8s.apiextensions.CustomResource(`${name}-vault-auth`, sync.auth, {
      ...afterCrds,
      // The operator logs in as soon as the VaultAuth exists: only after the alias and role do.
      dependsOn: [...afterCrds.dependsOn, serviceAccount, ...(grant ? [grant.alias, grant.role] : [])],
    });
    new k8s.apiextensions.CustomResource(`${name}-ai-provider-key`, sync.secret, { ...afterCrds, dependsOn: [...afterCrds.dependsOn, vaultAuth] });

    // NET-08, NET-09: the agent's mesh entry point and the only caller it admits.
    new k8s.apiextensions.CustomResource(`${name}-sidecar`, buildAgentSidecar(ns, { authGuardPort: AUTH_GUARD_PORT }), afterCrds);
    new k8s.apiextensions.CustomResource(`${name}-agent-policy`, buildAgentIngressPolicy(ns), afterCrds);

    const workspace = new k8s.core.v1.PersistentVolumeClaim(`${name}-workspace`, workspaceClaim, { ...inNamespace, ...retain });
    const statefulSet = buildAgentStatefulSet(
      {
        namespace: ns,
        tenant,
        images: args.images,
        platformApiHost: args.platformApiHost,
        runtimeClassName: args.runtimeClassName,
        egressProxyUrl: pulumi.interpolate`http://${egressService.spec.clusterIP}:${EGRESS_PROXY_PORT}`,
        egressProxyAddress: egressService.spec.clusterIP,
        istiodAddress: args.istiodAddress,
      },
      replicas,
    );
    new k8s.apps.v1.StatefulSet(`${name}-agent`, statefulSet, {
      ...afterCrds,
      dependsOn: [...afterCrds.dependsOn, serviceAccount, workspace, ...policies, ...pki, ...budget],
    });
    new k8s.core.v1.Service(`${name}-agent-service`, buildAgentService(ns), inNamespace);

    this.registerOutputs({ namespace: ns, lifecycle: tenant.lifecycle });
  }
}

/**
 * The encrypted StorageClass keeps a volume whose claim is deleted (`Retain`), so a purge first
 * hands the bound volume to the Delete policy: removing the claim then deletes the PV and its EBS
 * volume. The patch itself is retained, so forgetting it never hands the field back.
 *
 * The volume's name is read from the live claim: Pulumi's state of the claim dates from its
 * creation, before WaitForFirstConsumer bound it (pulumi-kubernetes counts a Pending claim ready,
 * pulumi/pulumi-kubernetes#3130), and an `up` that leaves the claim unchanged never refreshes it.
 * An unbound claim (the agent never started) has no volume to release. The CSI provisioner owns
 * the reclaim policy field, so the server-side apply patch must force it (`pulumi.com/patchForce`).
 */
function releaseWorkspaceVolume(name: string, namespace: string, workspace: k8s.core.v1.PersistentVolumeClaim, parent: pulumi.Resource): void {
  const live = k8s.core.v1.PersistentVolumeClaim.get(`${name}-workspace-live`, `${namespace}/${NAMES.workspaceClaim}`, { parent, dependsOn: [workspace] });
  live.spec.volumeName.apply((volumeName) => {
    if (!volumeName) return;
    new k8s.core.v1.PersistentVolumePatch(
      `${name}-workspace-volume`,
      {
        metadata: { name: volumeName, annotations: { "pulumi.com/patchForce": "true" } },
        spec: { persistentVolumeReclaimPolicy: PURGED_VOLUME_POLICY },
      },
      { parent, dependsOn: [workspace], retainOnDelete: true },
    );
  });
}

