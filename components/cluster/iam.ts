import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
  });
}

/** EKS Pod Identity: the role is assumed by the pod identity agent on behalf of one service account. */
export const POD_IDENTITY_TRUST = assumeRolePolicy("pods.eks.amazonaws.com");

export function managedPolicyArn(partition: pulumi.Input<string>, name: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;
}

/** A role with AWS-managed policies attached, one attachment resource each so changes diff cleanly. */
export function roleWithPolicies(
  name: string,
  args: { trust: string; partition: pulumi.Input<string>; policies: string[]; description: string },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const role = new aws.iam.Role(name, { assumeRolePolicy: args.trust, description: args.description }, opts);
  for (const policy of args.policies) {
    new aws.iam.RolePolicyAttachment(
      `${name}-${policy.split("/").pop()}`,
      { role: role.name, policyArn: managedPolicyArn(args.partition, policy) },
      opts,
    );
  }
  return role;
}
