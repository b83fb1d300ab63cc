/** IAM documents and AWS names of the Vault component, pure so that tests compare them whole. */
import { PodIdentityScope, podIdentityTrustPolicy as clusterPodIdentityTrustPolicy } from "../cluster/iam";

/** `<prefix>-<suffix>` cut to `max` characters by shortening the prefix (cluster names reach 100). */
export function boundedName(prefix: string, suffix: string, max: number): string {
  const room = max - suffix.length - 1;
  return `${prefix.slice(0, room).replace(/-+$/, "")}-${suffix}`;
}

/** IAM role names allow 64 characters. */
export function vaultRoleName(clusterName: string, purpose: "unseal" | "snapshot"): string {
  return boundedName(clusterName, `vault-${purpose}`, 64);
}

/** S3 names are global, lower case, at most 63 characters; the account id makes them unique. */
export function snapshotBucketName(clusterName: string, accountId: string): string {
  const prefix = clusterName.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return boundedName(prefix, `vault-snapshots-${accountId}`, 63);
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Array<Record<string, unknown>>;
}

/**
 * EKS Pod Identity, for Vault's service accounts on this cluster only: the same confused-deputy and
 * session-tag conditions as every Pod Identity role of the platform (components/cluster/iam.ts).
 * Unscoped, any cluster in the account could bind the unseal role and decrypt with the seal key.
 */
export function podIdentityTrustPolicy(scope: PodIdentityScope): PolicyDocument {
  return clusterPodIdentityTrustPolicy(scope);
}

/** What the awskms seal needs, on the unseal key only. */
export function unsealKeyPolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "VaultAutoUnseal",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
        Resource: keyArn,
      },
    ],
  };
}

/**
 * The snapshot uploader may only add objects under its prefix: no read, list or delete, so a
 * stolen uploader identity can neither read old snapshots nor remove them. SSE-KMS needs a data
 * key for each object, and kms:Decrypt to complete a multipart upload; both only through S3.
 */
export function snapshotUploadPolicy(args: { bucketArn: string; prefix: string; keyArn: string; region: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PutSnapshots",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: `${args.bucketArn}/${args.prefix}*`,
      },
      {
        Sid: "EncryptSnapshots",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: args.keyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
      },
    ],
  };
}

/** Snapshots hold every secret: refuse any request that is not TLS. */
export function snapshotBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
