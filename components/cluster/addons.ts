import type { SUPPORTED_KUBERNETES_VERSIONS } from "../../config/defaults";

export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];
export type AddonName = "vpc-cni" | "kube-proxy" | "eks-pod-identity-agent" | "coredns" | "aws-ebs-csi-driver";

/**
 * The EKS add-on versions this program is tested with, one row per supported Kubernetes minor.
 * EKS picks a default version only when an add-on is created and never moves it after a cluster
 * upgrade (EKS user guide, "Update an Amazon EKS add-on"), so each add-on pins its row and a
 * version bump moves the control plane, the add-ons and the node groups in one `pulumi up`.
 * Before adding or changing a row, confirm each value is offered for that minor:
 * `aws eks describe-addon-versions --kubernetes-version <minor> --addon-name <name>
 *  --query 'addons[].addonVersions[].addonVersion'`. The values here are versions public
 * deployments of those minors recorded; docs/decisions/cluster-lifecycle.md lists where from.
 */
export const ADDON_VERSIONS: Record<KubernetesVersion, Record<AddonName, string>> = {
  "1.35": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.35.0-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.13.2-eksbuild.1",
    "aws-ebs-csi-driver": "v1.57.1-eksbuild.1",
  },
  "1.36": {
    "vpc-cni": "v1.22.4-eksbuild.3",
    "kube-proxy": "v1.36.0-eksbuild.21",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.14.3-eksbuild.16",
    "aws-ebs-csi-driver": "v1.63.1-eksbuild.1",
  },
};

/**
 * Add-ons whose removal strips a live cluster of networking, DNS or the credentials the CNI runs
 * on. Deleting an EKS add-on deletes its Kubernetes objects and the Pod Identity associations it
 * owns unless `preserve` is set (EKS user guide, add-ons-iam and "Remove an Amazon EKS add-on"),
 * so a refactor that renames one, or a destroy, leaves them running instead.
 */
export const PRESERVED_ADDONS: readonly AddonName[] = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"];

/**
 * The VPC CNI enforces NetworkPolicies in its eBPF agent, in strict mode: a new pod starts
 * default-deny until its policies are programmed, instead of default-allow (EKS user guide,
 * "Set up policy enforcement at Pod startup"; the add-on's schema carries the aws-node container's
 * `env`, as the aws-vpc-cni chart's values.yaml does). In strict mode a pod that no policy selects
 * stays denied (aws-network-policy-agent, controllers/policyendpoints_controller.go), so every
 * namespace with non-host-network pods needs its own allow policies.
 */
/**
 * ENABLE_POD_ENI turns on security groups for pods (EKS user guide, security-groups-pods-deployment:
 * the plugin then asks the VPC resource controller, which needs AmazonEKSVPCResourceController on
 * the cluster role, for a trunk ENI per node). Only the platform API's pods carry a
 * SecurityGroupPolicy, so they alone hold the group the data tier admits
 * (docs/decisions/data-tier-network.md). POD_SECURITY_GROUP_ENFORCING_MODE `standard` keeps the
 * node's rules and source NAT for a branch-ENI pod's traffic that is not to the VPC, and kubelet
 * probes working, where `strict` would route every packet through the branch ENI.
 */
export const VPC_CNI_CONFIGURATION = {
  enableNetworkPolicy: "true",
  env: { NETWORK_POLICY_ENFORCING_MODE: "strict", ENABLE_POD_ENI: "true", POD_SECURITY_GROUP_ENFORCING_MODE: "standard" },
} as const;

export interface AddonSettings {
  addonName: AddonName;
  addonVersion: string;
  /**
   * OVERWRITE on create as well as update: with bootstrapSelfManagedAddons off there is nothing
   * to adopt, but should EKS or an operator have installed a self-managed copy first, NONE fails
   * the create with ConfigurationConflict (aws/amazon-network-policy-controller-k8s#200).
   */
  resolveConflictsOnCreate: "OVERWRITE";
  resolveConflictsOnUpdate: "OVERWRITE";
  preserve: boolean;
}

/** The version-pinned, conflict-resolving settings of one add-on on a cluster of this version. */
export function addonSettings(addonName: AddonName, kubernetesVersion: KubernetesVersion): AddonSettings {
  const row = ADDON_VERSIONS[kubernetesVersion];
  if (!row) throw new Error(`addonSettings: no tested add-on versions for Kubernetes ${kubernetesVersion}`);
  return {
    addonName,
    addonVersion: row[addonName],
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
    preserve: PRESERVED_ADDONS.includes(addonName),
  };
}
