/**
 * The composition root: read and validate the stack configuration, then build what this stack
 * holds (`stackRole`): the shared platform, a shard of tenants, or both. Nothing is declared
 * before the configuration is known good.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildPlatform } from "./composition/platform";
import { buildTenants, shardContext } from "./composition/tenants";
import { clusterNameFor, loadAwsRegion, loadStackConfig } from "./config/load";

export = async () => {
  const config = loadStackConfig();
  const region = loadAwsRegion(config) ?? "";

  if (config.stackRole === "tenants") {
    buildTenants(config, shardContext(config));
    return { tenants: config.tenants.map((t) => t.id) };
  }
  const platform = buildPlatform(config, region, clusterNameFor(pulumi.getStack()));
  buildTenants(config, platform.tenantContext);
  return { ...platform.outputs, tenants: config.tenants.map((t) => t.id) };
};
