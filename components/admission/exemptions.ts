/**
 * What the constraints leave out, and why. Only two namespaces are left out wholesale; every other
 * exemption names one platform workload (namespace and pod labels), the constraints it is exempt
 * from, and exactly which containers, host paths and capabilities. Chart workloads that need no
 * host access are made compliant through their values instead (see each component's values).
 */
import type { Exemption } from "../../controls/types";
import { MONITOR_NAME } from "../runtime/defaults";
import { GATEKEEPER_NAMESPACE } from "./defaults";

/** Constraints that a host agent may be exempted from; no other constraint has exemptions. */
export type ExemptibleConstraint = "hostisolation" | "capabilities" | "runasnonroot" | "noprivilegeescalation";

export interface WorkloadExemption {
  /** The one namespace the workload runs in. */
  namespace: string;
  /** Labels of its pod template (all must match); chart labels, as the pinned chart renders them. */
  podLabels: Record<string, string>;
  /** A readable name for the catalog, e.g. "DaemonSet falco". */
  workload: string;
  /** The containers the container-level rules leave alone; others in the pod are held to all rules. */
  containers: string[];
  constraints: ExemptibleConstraint[];
  /** hostisolation: the host paths it may mount; no other, and never privileged or host namespaces. @default [] */
  hostPaths?: string[];
  /** capabilities: what its containers may add on top of the allowed list; ALL is still dropped. @default [] */
  addCapabilities?: string[];
  reason: string;
}

/** Left out of every constraint: EKS's own add-ons, and Gatekeeper itself. */
export const NAMESPACE_EXEMPTIONS: readonly Exemption[] = [
  { namespace: "kube-system", reason: "EKS add-ons (vpc-cni, kube-proxy, ebs-csi, CoreDNS) are AWS's, need hostNetwork, hostPath and privileged, and are updated by EKS" },
  { namespace: GATEKEEPER_NAMESPACE, reason: "Gatekeeper must not evaluate its own pods, or a bad constraint could stop it from healing" },
];

export const WORKLOAD_EXEMPTIONS: readonly WorkloadExemption[] = [
  {
    namespace: "falco",
    podLabels: { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco" },
    workload: "DaemonSet falco",
    containers: ["falco"],
    constraints: ["hostisolation", "capabilities", "runasnonroot"],
    // The chart's volumes with one CRI socket (runtime values): /proc, /etc and /sys/kernel (BTF)
    // are read by the modern eBPF probe; /boot, /lib/modules and /usr are declared by the chart
    // for the kernel-module driver and not mounted by the falco container.
    hostPaths: ["/run/containerd/containerd.sock", "/boot", "/lib/modules", "/usr", "/etc", "/sys/kernel", "/proc"],
    // modern_ebpf's least-privileged mode (the chart's leastPrivileged capability set).
    addCapabilities: ["BPF", "PERFMON", "SYS_RESOURCE", "SYS_PTRACE"],
    reason: "reads every node's syscalls through eBPF and /proc as root; its falcoctl sidecars are held to every rule",
  },
  {
    namespace: "falco",
    podLabels: { "app.kubernetes.io/name": MONITOR_NAME },
    workload: `DaemonSet ${MONITOR_NAME}`,
    containers: ["monitor"],
    constraints: ["hostisolation"],
    hostPaths: ["/run/agent-platform"],
    reason: "shares one socket directory with runsc on sandbox nodes to receive the trace sessions; runs non-root, read-only, with no capability",
  },
  {
    namespace: "istio-system",
    podLabels: { "k8s-app": "istio-cni-node" },
    workload: "DaemonSet istio-cni-node",
    containers: ["install-cni"],
    constraints: ["hostisolation", "capabilities", "runasnonroot", "noprivilegeescalation"],
    // The cni chart's DaemonSet (templates/daemonset.yaml): CNI binaries and config, its socket,
    // and the host's /proc and netns to enter pod network namespaces.
    hostPaths: ["/opt/cni/bin", "/proc", "/etc/cni/net.d", "/var/run/istio-cni", "/var/run/netns"],
    addCapabilities: ["NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_ADMIN", "DAC_OVERRIDE"],
    reason: "installs the CNI plugin on the node and programs pod traffic redirection from the host, as root; the chart hard-codes its securityContext",
  },
];

/** The exemptions of one constraint, as its parameters carry them. */
export function exemptionsFor(constraint: ExemptibleConstraint, all: readonly WorkloadExemption[] = WORKLOAD_EXEMPTIONS) {
  return all
    .filter((e) => e.constraints.includes(constraint))
    .map((e) => ({
      namespace: e.namespace,
      podLabels: e.podLabels,
      containers: e.containers,
      ...(constraint === "hostisolation" ? { hostPaths: e.hostPaths ?? [] } : {}),
      ...(constraint === "capabilities" ? { addCapabilities: e.addCapabilities ?? [] } : {}),
    }));
}

/** The parameter schema of the `exemptions` list, as every exemptible template declares it. */
export const EXEMPTIONS_SCHEMA = {
  type: "array",
  items: {
    type: "object",
    properties: {
      namespace: { type: "string" },
      podLabels: { type: "object", additionalProperties: { type: "string" } },
      containers: { type: "array", items: { type: "string" } },
      hostPaths: { type: "array", items: { type: "string" } },
      addCapabilities: { type: "array", items: { type: "string" } },
    },
  },
};

/** The catalog's view: each exemption of a constraint, with its workload and reason. */
export function catalogExemptions(constraint: ExemptibleConstraint): Exemption[] {
  return WORKLOAD_EXEMPTIONS.filter((e) => e.constraints.includes(constraint)).map((e) => ({
    namespace: e.namespace,
    workload: `${e.workload} (containers ${e.containers.join(", ")})`,
    reason: e.reason,
  }));
}
