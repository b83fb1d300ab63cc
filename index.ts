/**
 * The composition root: read and validate the stack configuration, then build what this stack
 * holds (`stackRole`): the foundation (VPC and deploy runner), the shared platform, a shard of
 * tenants, or platform and tenants together. Nothing is declared before the configuration is
 * known good.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildFoundation } from "./composition/foundation";
import { buildPlatform } from "./composition/platform";
import { buildTenants, shardContext } from "./composition/tenants";
import { clusterNameFor, loadAwsRegion, loadConfig, loadTenantsSettings } from "./config/load";

export = async () => {
  const config = loadConfig();
  if (config.stackRole === "foundation") {
    const region = loadAwsRegion(config) ?? "";
    return buildFoundation(config, region);
  }
  if (config.stackRole === "tenants") {
    const shard = await shardContext(config);
    buildTenants(config.tenants, shard.agentImages, shard.context);
    return { tenants: config.tenants.map((t) => t.id), settings: loadTenantsSettings() };
  }
  const region = loadAwsRegion(config) ?? "";
  const platform = buildPlatform(config, region, clusterNameFor(pulumi.getStack()));
  buildTenants(config.tenants, config.agentImages, platform.tenantContext);
  return { ...platform.outputs, tenants: config.tenants.map((t) => t.id) };
};
