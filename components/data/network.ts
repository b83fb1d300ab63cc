/**
 * DATA-04 on the Kubernetes side: which pods carry the API's security group, and where the API's
 * pods may send packets for the data tier (docs/decisions/data-tier-network.md).
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseIpv4Cidr } from "../../config/rules";
import { EgressRule, LabelSelector, tcp, toPodIdentityAgent } from "../network/policy";
import { standardLabels } from "../shared/labels";
import { CACHE_PORT, DATABASE_PORT, SECURITY_GROUP_POLICY_API } from "./defaults";

const formatCidr = (address: number, prefix: number) => `${[24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".")}/${prefix}`;

/**
 * The private subnets' addresses, where the database and Redis have theirs: the VPC without its
 * last eighth, which holds only the public subnets (components/cluster/network.ts planSubnets).
 */
export function privateBlocks(vpcCidr: string): { cidr: string; except: string[] } {
  const vpc = parseIpv4Cidr(vpcCidr);
  if (!vpc) throw new Error(`privateBlocks: ${vpcCidr} is not a CIDR block`);
  const prefix = vpc.prefix + 3;
  return { cidr: vpcCidr, except: [formatCidr(vpc.address + 7 * 2 ** (32 - prefix), prefix)] };
}

/**
 * The API's egress for the data tier: its IAM credentials from the Pod Identity agent (to sign
 * the database and Redis tokens), and the two stores' ports in the private subnets. The
 * stores' addresses change on failover within those subnets, so the rule names the subnets;
 * the security groups decide which address in them answers.
 */
export function dataTierEgress(vpcCidr: string): EgressRule[] {
  return [toPodIdentityAgent, { to: [{ ipBlock: privateBlocks(vpcCidr) }], ports: tcp(DATABASE_PORT, CACHE_PORT) }];
}

/**
 * The API's egress for an operator's stores (existing mode): each store's port to the ranges the
 * operator says it lives in, and nothing else. No Pod Identity agent: no IAM token is signed.
 */
export function externalDataEgress(stores: { database: { port: number; cidrs: string[] }; cache: { port: number; cidrs: string[] } }): EgressRule[] {
  return [stores.database, stores.cache].map((store) => ({ to: store.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(store.port) }));
}

export interface SecurityGroupPolicyManifest {
  apiVersion: typeof SECURITY_GROUP_POLICY_API.apiVersion;
  kind: typeof SECURITY_GROUP_POLICY_API.kind;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { podSelector: LabelSelector; securityGroups: { groupIds: pulumi.Input<string>[] } };
}

/**
 * The API's pods get a branch ENI with the API's group, which the stores admit, and the cluster
 * security group, which keeps every flow a pod on a node has (EKS user guide,
 * sg-pods-example-deployment: a pod's groups replace the node's). No other pod carries the
 * API's group, so no other pod passes the stores' groups, whatever its NetworkPolicies say.
 */
export function buildSecurityGroupPolicy(
  namespace: string,
  name: string,
  podLabels: Readonly<Record<string, string>>,
  groupIds: pulumi.Input<string>[],
): SecurityGroupPolicyManifest {
  return {
    ...SECURITY_GROUP_POLICY_API,
    metadata: { name, namespace, labels: standardLabels(name, "security-group-policy") },
    spec: { podSelector: { matchLabels: { ...podLabels } }, securityGroups: { groupIds } },
  };
}
