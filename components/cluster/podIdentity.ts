import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PodIdentityScope, podIdentityTrustPolicy } from "./iam";

/** Where cert-manager runs; the mesh installs it there with this service account name. */
export const CERT_MANAGER_IDENTITY = { namespace: "cert-manager", serviceAccount: "cert-manager" } as const;

/**
 * DNS-01 rights for cert-manager: TXT records named `_acme-challenge.*` in the platform's own zone,
 * nothing else, so a compromised cert-manager cannot repoint the domain.
 */
export function certManagerDnsPolicy(partition: string, hostedZoneId: string, domain: string): string {
  const zone = `arn:${partition}:route53:::hostedzone/${hostedZoneId}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["route53:GetChange"], Resource: `arn:${partition}:route53:::change/*` },
      { Effect: "Allow", Action: ["route53:ListResourceRecordSets"], Resource: zone },
      {
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets"],
        Resource: zone,
        Condition: {
          // `*.<domain>` is proven at _acme-challenge.<domain>, `api.<domain>` at _acme-challenge.api.<domain>.
          "ForAllValues:StringEquals": {
            "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${domain}`, `_acme-challenge.api.${domain}`],
          },
        },
      },
    ],
  });
}

export function declareCertManagerIdentity(
  name: string,
  args: {
    clusterName: pulumi.Input<string>;
    scope: pulumi.Output<Omit<PodIdentityScope, "clusterName" | "namespace" | "serviceAccount">>;
    hostedZoneId: string;
    domain: string;
  },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const trust = pulumi
    .all([args.scope, args.clusterName])
    .apply(([scope, clusterName]) => JSON.stringify(podIdentityTrustPolicy({ ...scope, clusterName, ...CERT_MANAGER_IDENTITY })));
  const role = new aws.iam.Role(`${name}-cert-manager`, { assumeRolePolicy: trust, description: "cert-manager DNS-01" }, opts);
  new aws.iam.RolePolicy(
    `${name}-cert-manager-dns`,
    { role: role.name, policy: args.scope.apply((s) => certManagerDnsPolicy(s.partition, args.hostedZoneId, args.domain)) },
    opts,
  );
  new aws.eks.PodIdentityAssociation(
    `${name}-cert-manager`,
    { clusterName: args.clusterName, ...CERT_MANAGER_IDENTITY, roleArn: role.arn },
    opts,
  );
  return role;
}
