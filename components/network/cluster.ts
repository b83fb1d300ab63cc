import { parseIpv4Cidr } from "../../config/rules";
import type { ClusterConfig } from "../../config/schema";
import type { ClusterNetwork } from "./policy";

const formatAddress = (address: number) => [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".");

/**
 * What the stack configuration says about the cluster's network: the nodes and the API server's
 * ENIs live in the cluster's VPC (on EKS the foundation's, whose private subnets hold both; its
 * public subnets hold only NAT gateways and the load balancer), and AmazonProvidedDNS answers at
 * the VPC's base address plus two. On an existing cluster `cluster.vpcCidr` stands for the network
 * of its nodes and its API server (docs/decisions/network-policies.md).
 */
export function clusterNetworkFacts(cluster: Pick<ClusterConfig, "vpcCidr">): Omit<ClusterNetwork, "apiServerAddress"> {
  const vpc = parseIpv4Cidr(cluster.vpcCidr);
  if (!vpc) throw new Error(`clusterNetworkFacts: ${cluster.vpcCidr} is not a CIDR block`);
  return { nodeCidrs: [cluster.vpcCidr], vpcResolver: formatAddress(vpc.address + 2) };
}
