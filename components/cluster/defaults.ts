/** Names and settings of the cluster layer that other components and the docs refer to. */

/** Every control-plane log type, audit included (CLU-01). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** A year of control-plane and flow logs, long enough for an incident review. */
export const LOG_RETENTION_DAYS = 365;

/** Sandbox nodes carry this label and taint; the gVisor RuntimeClass selects and tolerates them. */
export const SANDBOX_NODE_LABEL = "agent-platform.io/sandbox";
export const SANDBOX_NODE_VALUE = "gvisor";
export const SYSTEM_NODE_LABEL = "agent-platform.io/pool";

export const RUNTIME_CLASS_NAME = "gvisor";
/**
 * What a gVisor sandbox adds to its pod (the Sentry and the gofer), declared on the RuntimeClass:
 * the scheduler and the pod's cgroup count it, and every tenant quota charges it per pod
 * (docs/decisions/tenant-overhead.md).
 */
export const SANDBOX_POD_OVERHEAD = { cpu: "50m", memory: "64Mi" } as const;
/** The containerd runtime handler that runsc registers as; RuntimeClass.handler must equal it. */
export const RUNSC_HANDLER = "runsc";

export const STORAGE_CLASS_NAME = "gp3-encrypted";

export const NODE_AMI_TYPE = "AL2023_x86_64_STANDARD";

/** EKS add-ons the platform relies on; versions follow the cluster version (EKS picks the default). */
export const CORE_ADDONS = ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver"] as const;

/** KMS keys wait this long before deletion, so a mistaken destroy can still be cancelled. */
export const KMS_DELETION_WINDOW_DAYS = 30;
