import type * as pulumi from "@pulumi/pulumi";
import type { AccountContext } from "../cluster/kms";

/** What an operator sizes and schedules (config/schema.ts `dataTier`, defaults in defaults.ts). */
export interface DataTierSettings {
  database: {
    /** @default "db.m7g.large" */
    instanceClass: string;
    /** @default 50 */
    allocatedStorageGiB: number;
    /** Storage autoscaling's ceiling. @default 200 */
    maxAllocatedStorageGiB: number;
    /** Days of automated backups, the point-in-time recovery window (7..35). @default 14 */
    backupRetentionDays: number;
    /** UTC `hh:mm-hh:mm`. @default "03:00-04:00" */
    backupWindow: string;
    /** UTC `ddd:hh:mm-ddd:hh:mm`. @default "sun:04:30-sun:05:30" */
    maintenanceWindow: string;
  };
  cache: {
    /** @default "cache.m7g.large" */
    nodeType: string;
    /** The primary and its replicas, each in its own zone (2..6). @default 2 */
    numCacheClusters: number;
    /** @default 7 */
    snapshotRetentionDays: number;
    /** @default "02:00-03:00" */
    snapshotWindow: string;
    /** @default "sun:05:30-sun:06:30" */
    maintenanceWindow: string;
  };
}

/** The Kubernetes identity that alone may use the data tier. */
export interface DataTierClient {
  namespace: string;
  serviceAccount: string;
}

export interface DataTierArgs {
  /** The platform's cluster name: it prefixes every identifier of the tier. */
  clusterName: string;
  /** The EKS cluster's name as an output, so the Pod Identity association waits for the cluster. */
  eksClusterName: pulumi.Input<string>;
  region: string;
  settings: DataTierSettings;
  /** The account and the deployer, for the data key's policy. */
  context: pulumi.Output<AccountContext>;
  vpcId: pulumi.Input<string>;
  /** The foundation's private subnets, one per zone: the only subnets the tier has addresses in. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The platform API's service account. */
  client: DataTierClient;
}
