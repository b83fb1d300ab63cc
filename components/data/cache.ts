import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DataTierSettings } from "./args";
import { CACHE_ENGINE, CACHE_PORT, CACHE_USER_ENGINE } from "./defaults";

/** The replication group's id (at most 40 characters; validateDataTierArgs checks). */
export const cacheIdentifier = (clusterName: string) => `${clusterName}-sessions`;
/** The API's RBAC user: IAM authentication requires the user id and the user name to be equal. */
export const cacheApiUser = (clusterName: string) => `${clusterName}-api`;

export function buildCacheSubnetGroupArgs(clusterName: string, privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>): aws.elasticache.SubnetGroupArgs {
  return {
    name: `${cacheIdentifier(clusterName)}-private`,
    description: `${clusterName}: sessions and rate limits, private subnets only`,
    subnetIds: privateSubnetIds,
  };
}

/**
 * DATA-02, DATA-03: every user group holds a user named `default`; this one is switched off
 * (`off`, no commands, no keys), so a connection that does not authenticate as the API can do
 * nothing. It needs no password because it cannot log in at all.
 */
export function buildDisabledDefaultUserArgs(clusterName: string): aws.elasticache.UserArgs {
  return {
    userId: `${clusterName}-default`,
    userName: "default",
    engine: CACHE_USER_ENGINE,
    accessString: "off -@all",
    authenticationMode: { type: "no-password-required" },
  };
}

/**
 * DATA-02: the API authenticates with a short-lived IAM token (ElastiCache user guide, auth-iam),
 * signed with its Pod Identity credentials; no password exists. Its commands exclude the
 * dangerous and administrative ones.
 */
export function buildApiUserArgs(clusterName: string): aws.elasticache.UserArgs {
  const user = cacheApiUser(clusterName);
  return {
    userId: user,
    userName: user,
    engine: CACHE_USER_ENGINE,
    accessString: "on ~* +@all -@dangerous",
    authenticationMode: { type: "iam" },
  };
}

export function buildUserGroupArgs(clusterName: string, userIds: pulumi.Input<string>[]): aws.elasticache.UserGroupArgs {
  return { userGroupId: `${cacheIdentifier(clusterName)}-users`, engine: CACHE_USER_ENGINE, userIds };
}

export interface CacheRefs {
  keyArn: pulumi.Input<string>;
  subnetGroupName: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  userGroupId: pulumi.Input<string>;
}

/**
 * DATA-03: a primary and replicas in different zones with automatic failover, TLS required in
 * transit, encrypted at rest with the data key, and RBAC users instead of an AUTH token.
 */
export function buildReplicationGroupArgs(clusterName: string, settings: DataTierSettings["cache"], refs: CacheRefs): aws.elasticache.ReplicationGroupArgs {
  const id = cacheIdentifier(clusterName);
  return {
    replicationGroupId: id,
    description: `${clusterName}: platform API sessions and sliding-window rate limits`,
    engine: CACHE_ENGINE.engine,
    engineVersion: CACHE_ENGINE.version,
    nodeType: settings.nodeType,
    numCacheClusters: settings.numCacheClusters,
    port: CACHE_PORT,
    subnetGroupName: refs.subnetGroupName,
    securityGroupIds: [refs.securityGroupId],
    transitEncryptionEnabled: true,
    transitEncryptionMode: "required",
    atRestEncryptionEnabled: true,
    kmsKeyId: refs.keyArn,
    userGroupIds: [refs.userGroupId],
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    autoMinorVersionUpgrade: true,
    maintenanceWindow: settings.maintenanceWindow,
    snapshotRetentionLimit: settings.snapshotRetentionDays,
    snapshotWindow: settings.snapshotWindow,
    finalSnapshotIdentifier: `${id}-final`,
    applyImmediately: false,
  };
}
