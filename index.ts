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
import { clusterNameFor, loadAwsRegion, loadConfig } from "./config/load";

export = async () => {
  const config = loadConfig();
  const region = loadAwsRegion(config) ?? "";

  if (config.stackRole === "foundation") {
    return buildFoundation(config, region);
  }
  if (config.stackRole === "tenants") {
    buildTenants(config, shardContext(config));
    return { tenants: config.tenants.map((t) => t.id) };
  }
  const platform = buildPlatform(config, region, clusterNameFor(pulumi.getStack()));
  buildTenants(config, platform.tenantContext);
  return { ...platform.outputs, tenants: config.tenants.map((t) => t.id) };
};
