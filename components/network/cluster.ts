import { parseIpv4Cidr } from "../../config/rules";
import type { ClusterConfig } from "../../config/schema";
import { planSubnets } from "../cluster/network";
import type { ClusterNetwork } from "./policy";

const formatAddress = (address: number) => [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".");

/**
 * What the stack configuration says about the cluster's network. On EKS the nodes and the API
 * server's ENIs live in the private subnets the cluster component cuts from the VPC, and
 * AmazonProvidedDNS answers at the VPC's base address plus two. An existing cluster has no
 * subnets the program knows: `cluster.vpcCidr` then stands for the network of its nodes and its
 * API server (docs/decisions/network-policies.md).
 */
export function clusterNetworkFacts(cluster: Pick<ClusterConfig, "mode" | "vpcCidr" | "availabilityZoneCount">): Omit<ClusterNetwork, "apiServerAddress"> {
  const vpc = parseIpv4Cidr(cluster.vpcCidr);
  if (!vpc) throw new Error(`clusterNetworkFacts: ${cluster.vpcCidr} is not a CIDR block`);
  const zones = Array.from({ length: cluster.availabilityZoneCount }, (_, i) => `zone-${i}`);
  const nodeCidrs = cluster.mode === "eks" ? planSubnets(cluster.vpcCidr, zones).map((subnet) => subnet.privateCidr) : [cluster.vpcCidr];
  return { nodeCidrs, vpcResolver: formatAddress(vpc.address + 2) };
}
