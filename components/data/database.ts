import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { DataTierSettings } from "./args";
import {
  DATABASE_CA,
  DATABASE_ENGINE,
  DATABASE_MASTER_USER,
  DATABASE_NAME,
  DATABASE_PORT,
  PERFORMANCE_INSIGHTS_RETENTION_DAYS,
} from "./defaults";

/** The database's identifiers, from the cluster name (validateDataTierArgs bounds their length). */
export const databaseIdentifier = (clusterName: string) => `${clusterName}-platform`;

/** DATA-01: only TLS connections are accepted (RDS user guide, PostgreSQL.Concepts.General.SSL). */
export function buildParameterGroupArgs(clusterName: string): aws.rds.ParameterGroupArgs {
  return {
    name: `${databaseIdentifier(clusterName)}-pg17`,
    family: DATABASE_ENGINE.parameterGroupFamily,
    description: `${clusterName}: platform database, TLS required`,
    parameters: [{ name: "rds.force_ssl", value: "1" }],
  };
}

/** DATA-01: the database has addresses in the private subnets only. */
export function buildDbSubnetGroupArgs(clusterName: string, privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>): aws.rds.SubnetGroupArgs {
  return {
    name: `${databaseIdentifier(clusterName)}-private`,
    description: `${clusterName}: platform database, private subnets only`,
    subnetIds: privateSubnetIds,
  };
}

export interface DatabaseRefs {
  keyArn: pulumi.Input<string>;
  subnetGroupName: pulumi.Input<string>;
  parameterGroupName: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
}

/**
 * DATA-01, DATA-02: Multi-AZ PostgreSQL encrypted with the data key, private, protected from
 * deletion, backed up with point-in-time recovery and a final snapshot, Performance Insights
 * under the same key. No password argument: RDS generates the master credential and keeps it
 * in Secrets Manager under the data key (manageMasterUserPassword); the API logs in with IAM
 * tokens (iamDatabaseAuthenticationEnabled).
 */
export function buildDatabaseArgs(clusterName: string, settings: DataTierSettings["database"], refs: DatabaseRefs): aws.rds.InstanceArgs {
  const identifier = databaseIdentifier(clusterName);
  return {
    identifier,
    engine: DATABASE_ENGINE.engine,
    engineVersion: DATABASE_ENGINE.version,
    instanceClass: settings.instanceClass,
    port: DATABASE_PORT,
    dbName: DATABASE_NAME,
    storageType: "gp3",
    allocatedStorage: settings.allocatedStorageGiB,
    maxAllocatedStorage: settings.maxAllocatedStorageGiB,
    storageEncrypted: true,
    kmsKeyId: refs.keyArn,
    multiAz: true,
    publiclyAccessible: false,
    dbSubnetGroupName: refs.subnetGroupName,
    vpcSecurityGroupIds: [refs.securityGroupId],
    parameterGroupName: refs.parameterGroupName,
    caCertIdentifier: DATABASE_CA,
    username: DATABASE_MASTER_USER,
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: refs.keyArn,
    iamDatabaseAuthenticationEnabled: true,
    deletionProtection: true,
    backupRetentionPeriod: settings.backupRetentionDays,
    backupWindow: settings.backupWindow,
    copyTagsToSnapshot: true,
    // A destroy that got past protect and deletionProtection still leaves the backups and a snapshot.
    deleteAutomatedBackups: false,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${identifier}-final`,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: refs.keyArn,
    performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_RETENTION_DAYS,
    // The engine moves only with DATABASE_ENGINE.version, and then in the maintenance window.
    autoMinorVersionUpgrade: false,
    allowMajorVersionUpgrade: false,
    applyImmediately: false,
    maintenanceWindow: settings.maintenanceWindow,
  };
}
