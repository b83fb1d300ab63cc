/**
 * The composition root: read and validate the stack configuration, then build the platform's
 * components in dependency order. Nothing is declared before the configuration is known good.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { Cluster } from "./components/cluster/cluster";
import { Mesh, PLATFORM_API_NAMESPACE, PLATFORM_API_SERVICE_ACCOUNT } from "./components/mesh";
import { VaultCluster } from "./components/vault/cluster";
import { VaultConfiguration } from "./components/vault/configuration";
import { VaultSecretsOperator } from "./components/vault/operator";
import { vaultProviderArgs } from "./components/vault/provider";
import { clusterNameFor, loadAwsRegion, loadStackConfig } from "./config/load";

export = async () => {
  const config = loadStackConfig();
  const region = loadAwsRegion(config);

  const cluster = new Cluster("cluster", {
    config: config.cluster,
    clusterName: clusterNameFor(pulumi.getStack()),
    region: region ?? "",
    dns: { domain: config.domain, hostedZoneId: config.hostedZoneId },
  });
  const onCluster = { providers: [cluster.provider], dependsOn: [cluster] };

  const mesh = new Mesh(
    "mesh",
    {
      domain: config.domain,
      acmeEmail: config.acmeEmail,
      platformApi: config.platformApi,
      dns01: { region: region ?? "", hostedZoneId: config.hostedZoneId },
    },
    onCluster,
  );

  const vaultCluster = new VaultCluster(
    "vault",
    {
      aws: cluster.keyArns ? { region: region ?? "", clusterName: cluster.clusterName, unsealKeyArn: cluster.keyArns.vault } : undefined,
      storageClassName: cluster.storageClassName,
      // Vault's TLS certificates come from cert-manager, which the mesh installs.
      dependsOn: [mesh],
    },
    onCluster,
  );
  new VaultSecretsOperator("vault-secrets-operator", { dependsOn: [vaultCluster] }, onCluster);

  // Configuring Vault needs an initialised Vault: the second phase of docs/decisions/vault-bootstrap.md.
  if (config.vault.configure) {
    const provider = new vault.Provider(
      "vault",
      vaultProviderArgs({
        address: config.vault.address!,
        caCertFile: config.vault.caCertFile,
        tlsServerName: config.vault.tlsServerName,
        jwt: config.vault.jwtRole ? { role: config.vault.jwtRole } : undefined,
      }),
    );
    new VaultConfiguration(
      "vault-config",
      {
        snapshots: cluster.mode === "eks",
        platformApi: { namespace: PLATFORM_API_NAMESPACE, serviceAccount: PLATFORM_API_SERVICE_ACCOUNT },
      },
      { provider, dependsOn: [vaultCluster] },
    );
  }

  return {
    apiHost: mesh.apiHost,
    clusterName: cluster.clusterName,
    clusterMode: cluster.mode,
    storageClass: cluster.storageClassName ?? null,
    runtimeClass: cluster.runtimeClassName,
    vaultAddress: vaultCluster.address,
    vaultSnapshotBucket: vaultCluster.snapshotBucket ?? null,
    tenants: config.tenants.map((tenant) => tenant.id),
  };
};
