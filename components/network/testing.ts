import type { ClusterNetwork } from "./policy";

/** A cluster network for component tests: EKS's default service range in the default VPC layout. */
export const EXAMPLE_NETWORK: ClusterNetwork = {
  apiServerAddress: "172.20.0.1",
  nodeCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
  vpcResolver: "10.0.0.2",
};
