import * as pulumi from "@pulumi/pulumi";
import { Gatekeeper } from "../components/admission/gatekeeper";
import { Cluster } from "../components/cluster/cluster";
import { SANDBOX_NODE_LABEL } from "../components/cluster/defaults";
import { DataTier } from "../components/data/dataTier";
import { buildExternalDataEnv } from "../components/data/connection";
import { dataTierEgress, externalDataEgress } from "../components/data/network";
import type { PlatformApiDataAccess } from "../components/mesh/args";
import { MONITORING_LABELS, Monitoring } from "../components/monitoring";
import { Falco } from "../components/runtime/falco";
import { runscMonitoringFlags, runtimeMonitoringNodeFiles } from "../components/runtime/gvisor";
import { GvisorMonitor } from "../components/runtime/gvisorMonitor";
import { Mesh, PLATFORM_API_NAMESPACE, PLATFORM_API_SERVICE_ACCOUNT } from "../components/mesh";
import { clusterNetworkFacts } from "../components/network/cluster";
import type { ClusterNetworkInput } from "../components/network/declare";
import { KubeSystemNetwork } from "../components/network/kubeSystem";
import { VaultCluster } from "../components/vault/cluster";
import { VaultConfiguration } from "../components/vault/configuration";
import { VaultSecretsOperator } from "../components/vault/operator";
import { type StackConfig, dataTierSettings } from "../config/schema";
import { declarePlatformReady, istiodClusterIp, kubernetesClusterIp, type TenantContext, vaultProvider } from "./context";


/** The shared platform: cluster, mesh and edge, Vault, monitoring, admission and runtime security. */
export function buildPlatform(config: StackConfig, region: string, clusterName: string) {
  const cluster = new Cluster("cluster", {
    config: config.cluster,
    clusterName,
    region,
    dns: { domain: config.domain, hostedZoneId: config.hostedZoneId },
    // RUN-08: every sandbox streams its trace session to the runtime monitor below.
    runscFlags: runscMonitoringFlags(),
    sandboxNodeFiles: runtimeMonitoringNodeFiles(),
  });
  // What NetworkPolicies say about addresses that are not pods: the API server as pods reach it
  // (the `kubernetes` Service's ClusterIP, read back) and the nodes' subnets (docs/decisions/network-policies.md).
  const clusterNetwork: ClusterNetworkInput = {
    apiServerAddress: kubernetesClusterIp(cluster.provider, [cluster]),
    ...clusterNetworkFacts(config.cluster),
  };
  // In strict mode CoreDNS and the EBS driver are denied everything until their policies exist:
  // every other policy, and so every chart after it, waits for them.
  const kubeSystem = new KubeSystemNetwork("kube-system", { network: clusterNetwork }, { providers: [cluster.provider], dependsOn: [cluster] });
  const network: ClusterNetworkInput = { ...clusterNetwork, dependsOn: [kubeSystem] };
  const onCluster = { providers: [cluster.provider], dependsOn: [cluster, kubeSystem] };

  // DATA-01..04: the API's PostgreSQL and Valkey live in the foundation's private subnets, so only
  // an EKS cluster (whose VPC the program knows) gets them; an existing cluster may name the
  // operator's own (dataTier.external), which the API reaches through its egress policy alone.
  const data = cluster.aws
    ? new DataTier("data", {
        clusterName,
        eksClusterName: cluster.clusterName,
        region,
        settings: dataTierSettings(config),
        context: cluster.aws.context,
        vpcId: cluster.aws.vpcId,
        privateSubnetIds: cluster.aws.privateSubnetIds,
        client: { namespace: PLATFORM_API_NAMESPACE, serviceAccount: PLATFORM_API_SERVICE_ACCOUNT },
      })
    : undefined;
  const external = config.dataTier?.external;
  const dataAccess: PlatformApiDataAccess | undefined =
    data && cluster.aws
      ? { env: data.env, securityGroupIds: [data.apiSecurityGroupId, cluster.aws.clusterSecurityGroupId], egress: dataTierEgress(config.cluster.vpcCidr) }
      : external
        ? { env: buildExternalDataEnv(external), egress: externalDataEgress(external) }
        : undefined;

  const mesh = new Mesh(
    "mesh",
    {
      domain: config.domain,
      acmeEmail: config.acmeEmail,
      platformApi: config.platformApi,
      dataAccess,
      dns01: { region, hostedZoneId: config.hostedZoneId },
      network,
    },
    onCluster,
  );

  const vaultCluster = new VaultCluster(
    "vault",
    {
      aws: cluster.keyArns ? { region, clusterName: cluster.clusterName, unsealKeyArn: cluster.keyArns.vault } : undefined,
      network,
      storageClassName: cluster.storageClassName,
      // Vault's TLS certificates come from cert-manager, which the mesh installs.
      dependsOn: [mesh],
    },
    onCluster,
  );
  const secretsOperator = new VaultSecretsOperator("vault-secrets-operator", { dependsOn: [vaultCluster], network }, onCluster);

  // CLU-06: Prometheus scrapes Falco, Vault, Istio and Gatekeeper; alerts share the runtime webhook.
  const alertWebhookUrl = config.alertWebhookUrl ? pulumi.secret(config.alertWebhookUrl) : undefined;
  const monitoring = new Monitoring(
    "monitoring",
    { storageClassName: cluster.storageClassName, alertWebhookUrl, vaultDependsOn: [vaultCluster], network },
    onCluster,
  );
  // Falco's and Gatekeeper's monitors need only the Prometheus Operator's CRDs, not all of monitoring.
  const withMonitoring = { providers: [cluster.provider], dependsOn: [cluster, kubeSystem, monitoring.release] };
  const monitored = { prometheusOperator: true, monitoringLabels: { ...MONITORING_LABELS } };

  // Constraints exist before any tenant pod is admitted; platform namespaces are exempt by name.
  const admission = new Gatekeeper(
    "admission",
    { latestTag: config.admission.latestTag, allowedRegistries: config.admission.allowedRegistries, network, ...monitored },
    withMonitoring,
  );
  const falco = new Falco("runtime", { sandboxTaintKey: SANDBOX_NODE_LABEL, alertWebhookUrl, network, ...monitored }, withMonitoring);
  // Sandboxes cannot start on a node until its monitor listens, so tenants wait for it.
  const gvisorMonitor = new GvisorMonitor("gvisor-monitor", { dependsOn: [falco], ...monitored }, withMonitoring);

  // Configuring Vault needs an initialised Vault: the second phase of docs/decisions/vault-bootstrap.md.
  const vaultConfig = config.vault.configure
    ? new VaultConfiguration(
        "vault-config",
        {
          snapshots: cluster.mode === "eks",
          platformApi: { namespace: PLATFORM_API_NAMESPACE, serviceAccount: PLATFORM_API_SERVICE_ACCOUNT },
        },
        { provider: vaultProvider(config), dependsOn: [vaultCluster] },
      )
    : undefined;

  const tenantContext: TenantContext = {
    provider: cluster.provider,
    istiodAddress: istiodClusterIp(cluster.provider, [mesh]),
    runtimeClassName: cluster.runtimeClassName,
    storageClassName: cluster.storageClassName,
    platformApiHost: mesh.apiHost,
    vault: vaultConfig?.agentAccess(),
    dependsOn: [declarePlatformReady(cluster.provider, { admission, mesh, "vault-secrets-operator": secretsOperator, "gvisor-monitor": gvisorMonitor })],
  };
  const outputs = {
    apiHost: mesh.apiHost,
    clusterName: cluster.clusterName,
    clusterMode: cluster.mode,
    kubeconfig: cluster.kubeconfig ?? null,
    storageClass: cluster.storageClassName ?? null,
    runtimeClass: cluster.runtimeClassName,
    // What a tenants stack's tenants share with the platform (composition/tenants.ts shardContext).
    agentImages: config.agentImages,
    vaultAddress: vaultCluster.address,
    vaultSnapshotBucket: vaultCluster.snapshotBucket ?? null,
    databaseEndpoint: data ? data.databaseEndpoint : external ? external.database.host : null,
    redisEndpoint: data ? data.cacheEndpoint : external ? external.cache.host : null,
    vaultKubernetesAuthPath: vaultConfig ? vaultConfig.kubernetesAuth.path : null,
    vaultKubernetesAuthAccessor: vaultConfig ? vaultConfig.kubernetesAuth.accessor : null,
  } satisfies Record<string, pulumi.Input<unknown> | null>;
  return { tenantContext, outputs };
}
