import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface TrustPolicy {
  Version: "2012-10-17";
  Statement: Array<{
    Sid?: string;
    Effect: "Allow";
    Principal: { Service: string };
    Action: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
  }>;
}

/** An AWS service may assume the role, for this account's resources only when `condition` says so. */
export function serviceTrustPolicy(service: string, actions: string[], condition?: TrustPolicy["Statement"][number]["Condition"]): TrustPolicy {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions, ...(condition ? { Condition: condition } : {}) }],
  };
}

export function assumeRolePolicy(service: string): string {
  return JSON.stringify(serviceTrustPolicy(service, ["sts:AssumeRole", "sts:TagSession"]));
}

/** Where a Pod Identity role may be used: one service account of one cluster of this account. */
export interface PodIdentityScope {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
  namespace: string;
  serviceAccount: string;
}

/**
 * EKS Pod Identity: the EKS Auth service assumes the role for one service account. Without
 * conditions any cluster in the account (anyone with eks:CreatePodIdentityAssociation and
 * iam:PassRole) could bind the role. The confused-deputy keys pin it to this account and this
 * cluster's associations (aws:SourceArn is the association ARN,
 * arn:...:podidentityassociation/<cluster>/<id>), and the session tags EKS Pod Identity always
 * sets pin it to one namespace and service account (EKS user guide, pod-id-role: "Setting
 * Conditions"; the tags are listed under pod-id-abac "Enable or disable session tags").
 */
export function podIdentityTrustPolicy(scope: PodIdentityScope): TrustPolicy {
  return serviceTrustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"], {
    StringEquals: {
      "aws:SourceAccount": scope.accountId,
      "aws:RequestTag/kubernetes-namespace": scope.namespace,
      "aws:RequestTag/kubernetes-service-account": scope.serviceAccount,
    },
    ArnLike: {
      "aws:SourceArn": `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:podidentityassociation/${scope.clusterName}/*`,
    },
  });
}

/**
 * VPC Flow Logs publishes as this role; the confused-deputy keys let it do so only for flow logs
 * of this account and region (VPC user guide, "IAM role for publishing flow logs to CloudWatch
 * Logs", cross-service confused deputy prevention).
 */
export function flowLogsTrustPolicy(ctx: { partition: string; region: string; accountId: string }): TrustPolicy {
  return serviceTrustPolicy("vpc-flow-logs.amazonaws.com", ["sts:AssumeRole"], {
    StringEquals: { "aws:SourceAccount": ctx.accountId },
    ArnLike: { "aws:SourceArn": `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/*` },
  });
}

export function managedPolicyArn(partition: pulumi.Input<string>, name: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;
}

export interface RoleWithPolicies {
  role: aws.iam.Role;
  /** What may use the role must wait for these, and be deleted before them. */
  attachments: aws.iam.RolePolicyAttachment[];
}

/** A role with AWS-managed policies attached, one attachment resource each so changes diff cleanly. */
export function roleWithPolicies(
  name: string,
  args: { trust: pulumi.Input<string>; partition: pulumi.Input<string>; policies: string[]; description: string },
  opts: pulumi.CustomResourceOptions,
): RoleWithPolicies {
  const role = new aws.iam.Role(name, { assumeRolePolicy: args.trust, description: args.description }, opts);
  const attachments = args.policies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy.split("/").pop()}`,
        { role: role.name, policyArn: managedPolicyArn(args.partition, policy) },
        opts,
      ),
  );
  return { role, attachments };
}
