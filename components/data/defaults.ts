/**
 * The data tier's fixed facts: engines and versions, ports, names. What an operator may change
 * (sizes, windows, retention) is stack configuration (config/schema.ts `dataTier`).
 */

/**
 * PostgreSQL on RDS, pinned to a minor version RDS offers (RDS for PostgreSQL release notes,
 * "PostgreSQL 17 versions"). Minor upgrades are a change of this pin, applied by RDS in the
 * maintenance window (applyImmediately false), not RDS's automatic upgrades, which would move the
 * engine away from the pin and leave the stack drifting.
 */
export const DATABASE_ENGINE = { engine: "postgres", version: "17.6", parameterGroupFamily: "postgres17" } as const;

/**
 * Valkey on ElastiCache: Redis OSS compatible, with RBAC and IAM authentication (ElastiCache user
 * guide, auth-iam: Valkey 7.2 and later). Given as major.minor, ElastiCache applies patch releases.
 */
export const CACHE_ENGINE = { engine: "valkey", version: "8.0" } as const;

/**
 * RBAC users and their group are of engine `redis`: a `redis` user group may hold the disabled
 * no-password default user, which a `valkey` group refuses, and serves Valkey caches.
 */
export const CACHE_USER_ENGINE = "redis";

export const DATABASE_PORT = 5432;
export const CACHE_PORT = 6379;

/** The database the platform API keeps its state in. */
export const DATABASE_NAME = "platform";
/** The PostgreSQL role the API logs in as with an IAM token (it is granted `rds_iam`). */
export const DATABASE_IAM_USER = "platform_api";
/** The master user; its password is RDS's, in Secrets Manager, never Pulumi's. */
export const DATABASE_MASTER_USER = "platform_admin";

/** RDS's current RSA 2048 CA, which clients verifying the server (sslmode verify-full) trust. */
export const DATABASE_CA = "rds-ca-rsa2048-g1";

/** Performance Insights' free retention; longer retention is billed. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;

/** The VPC CNI's CRD for security groups for pods (amazon-vpc-resource-controller-k8s). */
export const SECURITY_GROUP_POLICY_API = { apiVersion: "vpcresources.k8s.aws/v1beta1", kind: "SecurityGroupPolicy" } as const;

/** Defaults of the stack configuration's `dataTier` key (config/defaults.ts re-exports them). */
export const DATA_TIER_DEFAULTS = {
  database: {
    instanceClass: "db.m7g.large",
    allocatedStorageGiB: 50,
    maxAllocatedStorageGiB: 200,
    backupRetentionDays: 14,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
  },
  cache: {
    nodeType: "cache.m7g.large",
    numCacheClusters: 2,
    snapshotRetentionDays: 7,
    snapshotWindow: "02:00-03:00",
    maintenanceWindow: "sun:05:30-sun:06:30",
  },
} as const;
