import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KMS_DELETION_WINDOW_DAYS } from "./defaults";

/** Who and where: everything a key policy needs to name principals and services. */
export interface AccountContext {
  accountId: string;
  partition: string;
  region: string;
  /** The IAM role Pulumi deploys with; it must keep managing the keys it creates. */
  deployerArn: string;
  /** Operators who may administer (not use) the keys. */
  adminArns: string[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: { AWS: string | string[] } | { Service: string };
  Action: string[];
  Resource: "*";
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface KeyPolicy {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * What managing a key takes, and no more: no Encrypt/Decrypt, so an administrator cannot read what
 * a key protects, and nothing that destroys the key (BREAK_GLASS_ACTIONS).
 */
const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/**
 * Disabling the secrets key degrades the cluster for good ("If you delete the KMS key, you
 * permanently put the cluster in a degraded state", EKS user guide, envelope encryption) and a
 * disabled seal key keeps Vault sealed. Pulumi never disables a key, and deletes one only on a
 * destroy, which `protect` refuses: only the operators hold these, as break-glass.
 */
export const BREAK_GLASS_ACTIONS = ["kms:DisableKey", "kms:ScheduleKeyDeletion"];

const DATA_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * The statements every key starts with:
 * - the account-root statement AWS's default key policy carries ("Enable IAM User Permissions",
 *   KMS developer guide, default key policy): the key stays manageable through IAM even if every
 *   role named below is deleted, and IAM policies, not only this document, decide who uses it;
 * - administration for the deployer and the operators;
 * - break-glass destruction for the operators only;
 * - an explicit deny of destruction to the deployer, which wins over any IAM policy the root
 *   statement lets in. The deployer still holds kms:PutKeyPolicy (Pulumi manages this document),
 *   so a compromised deployer could rewrite the policy first; that is a PutKeyPolicy event in
 *   CloudTrail, where it can be alerted on, instead of a silent DisableKey.
 */
export function keyManagementStatements(ctx: AccountContext): PolicyStatement[] {
  const operators = ctx.adminArns.filter((arn) => arn !== ctx.deployerArn);
  return [
    { Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` }, Action: ["kms:*"], Resource: "*" },
    { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: [ctx.deployerArn, ...operators] }, Action: KEY_ADMIN_ACTIONS, Resource: "*" },
    ...(operators.length > 0
      ? [{ Sid: "BreakGlassKeyDestruction", Effect: "Allow" as const, Principal: { AWS: operators }, Action: BREAK_GLASS_ACTIONS, Resource: "*" as const }]
      : []),
    { Sid: "DeployerNeverDestroysKeys", Effect: "Deny", Principal: { AWS: ctx.deployerArn }, Action: BREAK_GLASS_ACTIONS, Resource: "*" },
  ];
}

/** SEC-01: EKS wraps Kubernetes secrets with this key; only the deployer may grant EKS its use. */
export function secretsKeyPolicy(ctx: AccountContext): KeyPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      ...keyManagementStatements(ctx),
      {
        Sid: "EksEnvelopeEncryption",
        Effect: "Allow",
        Principal: { AWS: ctx.deployerArn },
        Action: ["kms:DescribeKey", "kms:CreateGrant"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": `eks.${ctx.region}.amazonaws.com`, "kms:CallerAccount": ctx.accountId } },
      },
    ],
  };
}

/**
 * ISO-13, SEC-08: node root volumes and persistent volumes. EC2 Auto Scaling's service-linked role
 * and the EBS CSI driver both reach the key through EC2, which is all this policy allows.
 */
export function ebsKeyPolicy(ctx: AccountContext): KeyPolicy {
  const throughEc2 = { "kms:ViaService": `ec2.${ctx.region}.amazonaws.com`, "kms:CallerAccount": ctx.accountId };
  return {
    Version: "2012-10-17",
    Statement: [
      ...keyManagementStatements(ctx),
      { Sid: "EbsVolumeEncryption", Effect: "Allow", Principal: { AWS: "*" }, Action: DATA_KEY_ACTIONS, Resource: "*", Condition: { StringEquals: throughEc2 } },
      {
        Sid: "EbsAttachmentGrants",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:CreateGrant"],
        Resource: "*",
        Condition: { StringEquals: throughEc2, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  };
}

/** CloudWatch Logs may use the key only for the platform's own log groups. */
export function logsKeyPolicy(ctx: AccountContext, logGroupNames: string[]): KeyPolicy {
  const arns = logGroupNames.map((group) => `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${group}`);
  return {
    Version: "2012-10-17",
    Statement: [
      ...keyManagementStatements(ctx),
      {
        Sid: "CloudWatchLogsEncryption",
        Effect: "Allow",
        Principal: { Service: `logs.${ctx.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": arns } },
      },
    ],
  };
}

/**
 * Vault auto-unseal and Vault snapshots. Use is delegated to IAM within the account by the
 * account-root statement: only roles whose IAM policy names this key (Vault's Pod Identity roles)
 * can use it.
 */
export function vaultKeyPolicy(ctx: AccountContext): KeyPolicy {
  return { Version: "2012-10-17", Statement: keyManagementStatements(ctx) };
}

export interface PlatformKeys {
  secrets: aws.kms.Key;
  ebs: aws.kms.Key;
  logs: aws.kms.Key;
  vault: aws.kms.Key;
}

/**
 * One customer-managed key per purpose, rotated yearly, deletable only after a waiting period, and
 * protected (SEC-07): losing a key loses everything it encrypts.
 */
export function declareKeys(
  name: string,
  clusterName: string,
  ctx: pulumi.Output<AccountContext>,
  logGroupNames: string[],
  opts: pulumi.CustomResourceOptions,
): PlatformKeys {
  const key = (purpose: string, description: string, policy: (c: AccountContext) => KeyPolicy) => {
    const created = new aws.kms.Key(
      `${name}-${purpose}`,
      {
        description: `${clusterName}: ${description}`,
        enableKeyRotation: true,
        deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        policy: ctx.apply((c) => JSON.stringify(policy(c))),
      },
      { ...opts, protect: true },
    );
    new aws.kms.Alias(`${name}-${purpose}`, { name: `alias/${clusterName}-${purpose}`, targetKeyId: created.keyId }, opts);
    return created;
  };
  return {
    secrets: key("secrets", "Kubernetes secrets envelope encryption", secretsKeyPolicy),
    ebs: key("ebs", "node and persistent volume encryption", ebsKeyPolicy),
    logs: key("logs", "control-plane and flow log encryption", (c) => logsKeyPolicy(c, logGroupNames)),
    vault: key("vault", "Vault auto-unseal and snapshot encryption", vaultKeyPolicy),
  };
}
