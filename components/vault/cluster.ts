import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterNetworkInput, declareNetworkPolicies } from "../network/declare";
import { withInputs } from "../shared/inputs";
import { PART_OF_POSTRENDER } from "../shared/values";
import { standardLabels } from "../shared/labels";
import { platformNamespace } from "../shared/namespace";
import {
  DEFAULT_STORAGE_CLASS,
  VAULT_ACTIVE_ADDR,
  SNAPSHOT,
  VAULT_CHART_VERSION,
  VAULT_HELM_REPO,
  VAULT_NAMESPACE,
  VAULT_RELEASE,
  VAULT_SERVICE_ACCOUNT,
} from "./defaults";
import {
  podIdentityTrustPolicy,
  snapshotBucketName,
  snapshotBucketPolicy,
  snapshotUploadPolicy,
  unsealKeyPolicy,
  vaultRoleName,
} from "./iam";
import { buildVaultPolicies } from "./network";
import { KmsSeal, ResourceRequirements, buildServerValues } from "./server";
import { buildSnapshotCronJobSpec } from "./snapshot";
import { buildTlsManifests } from "./tls";

/** The AWS side of Vault: present in eks mode, absent on an existing cluster. */
export interface VaultAwsArgs {
  region: string;
  /** The EKS cluster the Pod Identity associations belong to. */
  clusterName: pulumi.Input<string>;
  /** KMS key of the awskms seal (the cluster component's `keyArns.vault`). */
  unsealKeyArn: pulumi.Input<string>;
  /** KMS key that encrypts the snapshot bucket. @default unsealKeyArn */
  snapshotKeyArn?: pulumi.Input<string>;
  /** Days a snapshot is kept. @default 30 */
  snapshotRetentionDays?: number;
  /** @default "17 *\/6 * * *" */
  snapshotSchedule?: string;
}

export interface VaultClusterArgs {
  /** The cluster's API server address and node subnets, for Vault's NetworkPolicies. */
  network: ClusterNetworkInput;
  /** Auto-unseal and S3 snapshots; without it Vault uses Shamir keys and snapshots are off. @default undefined */
  aws?: VaultAwsArgs;
  /** Encrypted StorageClass (SEC-08). @default "gp3-encrypted" */
  storageClassName?: string;
  /** @default "10Gi" */
  dataStorageSize?: string;
  /** @default "10Gi" */
  auditStorageSize?: string;
  /** @default DEFAULT_SERVER_RESOURCES */
  resources?: ResourceRequirements;
  /** What must exist first, above all the cert-manager CRDs (from the mesh component). @default [] */
  dependsOn?: pulumi.Resource[];
  /** Deep-merged over the chart values last. @default {} */
  values?: Record<string, unknown>;
}

/**
 * Vault servers: three Raft nodes over TLS, one per node and zone, auto-unsealed by KMS through
 * EKS Pod Identity, with file audit storage and six-hourly snapshots to S3.
 */
export class VaultCluster extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** In-cluster address of the leader (the `vault-active` Service). */
  readonly address: string;
  readonly snapshotBucket?: pulumi.Output<string>;

  constructor(name: string, args: VaultClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:vault:VaultCluster", name, {}, opts);
    const parent = { parent: this };
    const after = args.dependsOn ?? [];

    const namespace = platformNamespace(VAULT_NAMESPACE, { podSecurity: "restricted" }, parent);
    this.namespace = namespace.metadata.name;
    this.address = VAULT_ACTIVE_ADDR;

    // Only the platform's clients reach Vault (review m7); in place before the first server starts.
    const policies = declareNetworkPolicies(name, (network) => buildVaultPolicies(network, { snapshots: args.aws !== undefined }), args.network, {
      ...parent,
      dependsOn: [namespace, ...namespace.networkBaseline],
    });

    const tls = buildTlsManifests();
    const selfSigned = new k8s.apiextensions.CustomResource(`${name}-selfsigned-issuer`, tls.selfSigned, { ...parent, dependsOn: after });
    const ca = new k8s.apiextensions.CustomResource(`${name}-ca`, tls.ca, { ...parent, dependsOn: [namespace, selfSigned, ...after] });
    const caIssuer = new k8s.apiextensions.CustomResource(`${name}-ca-issuer`, tls.caIssuer, { ...parent, dependsOn: [ca] });
    const serverCert = new k8s.apiextensions.CustomResource(`${name}-server-tls`, tls.server, { ...parent, dependsOn: [caIssuer] });

    // Pods started before their Pod Identity association exists never get credentials.
    const awsArgs = args.aws;
    const releaseDeps: pulumi.Resource[] = [namespace, serverCert, ...policies];
    if (awsArgs) releaseDeps.push(this.declareUnsealIdentity(name, awsArgs));
    // Only the seal stanza names the key, so only it waits for the key's ARN (unknown in a first preview).
    const serverValues = (seal: KmsSeal | undefined) =>
      buildServerValues({
        seal,
        storageClassName: args.storageClassName ?? DEFAULT_STORAGE_CLASS,
        dataStorageSize: args.dataStorageSize,
        auditStorageSize: args.auditStorageSize,
        resources: args.resources,
        values: args.values,
      });
    const values = awsArgs
      ? withInputs({ keyArn: awsArgs.unsealKeyArn }, ({ keyArn }) => serverValues({ region: awsArgs.region, keyArn }))
      : serverValues(undefined);
    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: VAULT_RELEASE,
        chart: "vault",
        version: VAULT_CHART_VERSION,
        repositoryOpts: { repo: VAULT_HELM_REPO },
        namespace: VAULT_NAMESPACE,
        values,
        // The chart's StatefulSet labels are fixed in its template; ADM-01 needs part-of.
        postrender: PART_OF_POSTRENDER,
        // A new Vault stays unready (sealed, uninitialised) until an operator runs `vault operator
        // init`; waiting would time out every first install. See docs/decisions/vault-bootstrap.md.
        skipAwait: true,
      },
      { ...parent, dependsOn: releaseDeps },
    );

    if (awsArgs) this.snapshotBucket = this.declareSnapshots(name, awsArgs, [release, namespace, ...policies]);

    this.registerOutputs({ namespace: this.namespace, address: this.address, snapshotBucket: this.snapshotBucket });
  }

  /** A Pod Identity trust policy for one of Vault's service accounts on this cluster. */
  private trustFor(args: VaultAwsArgs, serviceAccount: string): pulumi.Output<string> {
    const parent = { parent: this };
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    return pulumi
      .all([accountId, partition, args.clusterName])
      .apply(([account, part, clusterName]) =>
        JSON.stringify(podIdentityTrustPolicy({ accountId: account, partition: part, region: args.region, clusterName, namespace: VAULT_NAMESPACE, serviceAccount })),
      );
  }

  /** The server's AWS identity: KMS use on the unseal key, nothing else. */
  private declareUnsealIdentity(name: string, args: VaultAwsArgs): pulumi.Resource {
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-unseal-role`,
      { name: pulumi.output(args.clusterName).apply((c) => vaultRoleName(c, "unseal")), assumeRolePolicy: this.trustFor(args, VAULT_SERVICE_ACCOUNT) },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-unseal-policy`,
      {
        name: "vault-auto-unseal",
        role: role.name,
        policy: pulumi.output(args.unsealKeyArn).apply((arn) => JSON.stringify(unsealKeyPolicy(arn))),
      },
      parent,
    );
    return new aws.eks.PodIdentityAssociation(
      `${name}-unseal-identity`,
      { clusterName: args.clusterName, namespace: VAULT_NAMESPACE, serviceAccount: VAULT_SERVICE_ACCOUNT, roleArn: role.arn },
      parent,
    );
  }

  /** Open-source Vault has no automated snapshots: a bucket that survives a destroy and a CronJob. */
  private declareSnapshots(name: string, args: VaultAwsArgs, after: pulumi.Resource[]): pulumi.Output<string> {
    const parent = { parent: this };
    const keyArn = pulumi.output(args.snapshotKeyArn ?? args.unsealKeyArn);
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const bucket = new aws.s3.Bucket(
      `${name}-snapshots`,
      { bucket: pulumi.all([args.clusterName, accountId]).apply(([c, id]) => snapshotBucketName(c, id)), forceDestroy: false },
      { ...parent, protect: true },
    );
    new aws.s3.BucketVersioning(
      `${name}-snapshots-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { ...parent, protect: true },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-snapshots-encryption`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }],
      },
      parent,
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-snapshots-public-access`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-snapshots-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new aws.s3.BucketPolicy(
      `${name}-snapshots-policy`,
      { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(snapshotBucketPolicy(arn))) },
      parent,
    );
    const days = args.snapshotRetentionDays ?? SNAPSHOT.retentionDays;
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-snapshots-retention`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-snapshots",
            status: "Enabled",
            filter: { prefix: SNAPSHOT.prefix },
            expiration: { days },
            noncurrentVersionExpiration: { noncurrentDays: days },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      parent,
    );

    const role = new aws.iam.Role(
      `${name}-snapshot-role`,
      { name: pulumi.output(args.clusterName).apply((c) => vaultRoleName(c, "snapshot")), assumeRolePolicy: this.trustFor(args, SNAPSHOT.serviceAccount) },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-snapshot-policy`,
      {
        name: "vault-snapshot-upload",
        role: role.name,
        policy: pulumi
          .all([bucket.arn, keyArn])
          .apply(([bucketArn, key]) => JSON.stringify(snapshotUploadPolicy({ bucketArn, prefix: SNAPSHOT.prefix, keyArn: key, region: args.region }))),
      },
      parent,
    );
    const identity = new aws.eks.PodIdentityAssociation(
      `${name}-snapshot-identity`,
      { clusterName: args.clusterName, namespace: VAULT_NAMESPACE, serviceAccount: SNAPSHOT.serviceAccount, roleArn: role.arn },
      parent,
    );

    const labels = standardLabels(SNAPSHOT.cronJob, "backup");
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-snapshot-sa`,
      { metadata: { name: SNAPSHOT.serviceAccount, namespace: VAULT_NAMESPACE, labels }, automountServiceAccountToken: false },
      { ...parent, dependsOn: after },
    );
    new k8s.batch.v1.CronJob(
      `${name}-snapshot`,
      {
        metadata: { name: SNAPSHOT.cronJob, namespace: VAULT_NAMESPACE, labels },
        spec: withInputs({ bucket: bucket.bucket, keyArn }, (known) =>
          buildSnapshotCronJobSpec({ ...known, region: args.region, schedule: args.snapshotSchedule }),
        ),
      },
      { ...parent, dependsOn: [serviceAccount, identity] },
    );
    return bucket.bucket;
  }
}
