import { AccountContext, KeyPolicy, keyManagementStatements } from "../cluster/kms";

const DATA_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/** The AWS services that encrypt the tier's data with its key, on behalf of a caller of this account. */
export function dataKeyServices(region: string): string[] {
  return [`rds.${region}.amazonaws.com`, `elasticache.${region}.amazonaws.com`, `secretsmanager.${region}.amazonaws.com`];
}

/**
 * DATA-01, DATA-03: the fifth customer-managed key, for the database's storage, snapshots and
 * Performance Insights, Redis at rest, and the master credential RDS keeps in Secrets Manager.
 * Like the EBS key, this policy allows use only through those services for callers of this
 * account, and grants only for AWS resources. Direct use would need an IAM policy naming the key
 * (the account-root statement delegates to IAM), and the program writes none.
 */
export function dataKeyPolicy(ctx: AccountContext): KeyPolicy {
  const throughServices = { "kms:ViaService": dataKeyServices(ctx.region), "kms:CallerAccount": ctx.accountId };
  return {
    Version: "2012-10-17",
    Statement: [
      ...keyManagementStatements(ctx),
      { Sid: "DataStoreEncryption", Effect: "Allow", Principal: { AWS: "*" }, Action: DATA_KEY_ACTIONS, Resource: "*", Condition: { StringEquals: throughServices } },
      {
        Sid: "DataStoreGrants",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource: "*",
        Condition: { StringEquals: throughServices, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  };
}
