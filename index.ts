/**
 * The composition root: read and validate the stack configuration, then build the platform's
 * components in dependency order. Nothing is declared before the configuration is known good.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./components/cluster/cluster";
import { Mesh } from "./components/mesh";
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

  const mesh = new Mesh(
    "mesh",
    {
      domain: config.domain,
      acmeEmail: config.acmeEmail,
      platformApi: config.platformApi,
      dns01: { region: region ?? "", hostedZoneId: config.hostedZoneId },
    },
    { providers: [cluster.provider], dependsOn: [cluster] },
  );

  return {
    apiHost: mesh.apiHost,
    clusterName: cluster.clusterName,
    clusterMode: cluster.mode,
    storageClass: cluster.storageClassName ?? null,
    runtimeClass: cluster.runtimeClassName,
    tenants: config.tenants.map((tenant) => tenant.id),
  };
};
