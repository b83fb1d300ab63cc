/** Pinned versions and the namespace scoping shared by the Gatekeeper chart, templates and constraints. */
import { Exemption } from "../../controls/types";

/** The chart and the gator binary in scripts/install-tools.sh move together, so suites test this engine. */
export const GATEKEEPER_CHART = {
  chart: "gatekeeper",
  version: "3.23.1",
  repo: "https://open-policy-agent.github.io/gatekeeper/charts",
} as const;

export const GATEKEEPER_NAMESPACE = "gatekeeper-system";

/** Tenant namespaces carry this label (value: tenant id); tenant-only constraints select on it. */
export const TENANT_LABEL = "agent-platform.io/tenant";

/** The RuntimeClass of agent sandboxes; must equal RUNTIME_CLASS_NAME of the cluster component. */
export const SANDBOX_RUNTIME_CLASS = "gvisor";

/** Lets a namespace bypass the webhook entirely; Gatekeeper only accepts it on exempt namespaces. */
export const GATEKEEPER_IGNORE_LABEL = "admission.gatekeeper.sh/ignore";

/**
 * Platform namespaces left out of every constraint. Each runs third-party charts the platform
 * installs and pins itself, and whose pods legitimately break tenant rules; tenants can never
 * create pods there (RBAC), so excluding them does not open a path for tenant workloads.
 */
export const PLATFORM_EXEMPTIONS: readonly Exemption[] = [
  { namespace: "kube-system", reason: "EKS add-ons (vpc-cni, kube-proxy, ebs-csi) need hostNetwork, hostPath and privileged" },
  { namespace: GATEKEEPER_NAMESPACE, reason: "Gatekeeper must not evaluate its own pods, or a bad constraint could stop it from healing" },
  { namespace: "istio-system", reason: "istiod and the CNI node agent are installed by pinned charts; istio-cni needs hostPath and privileged" },
  { namespace: "istio-ingress", reason: "the ingress gateway chart sets its own securityContext and labels; reviewed at chart pin time" },
  { namespace: "cert-manager", reason: "chart-managed controller and webhook; must keep issuing certificates Gatekeeper's own webhook relies on" },
  { namespace: "vault", reason: "Vault StatefulSet from the pinned chart; an admission outage must not block unsealing" },
  { namespace: "vault-secrets-operator", reason: "chart-managed operator that syncs tenant API keys; reviewed at chart pin time" },
  { namespace: "falco", reason: "Falco's DaemonSet needs host access (eBPF, /proc, container runtime socket) to detect anything, and the gVisor monitor shares a socket directory with runsc on sandbox nodes" },
  { namespace: "monitoring", reason: "chart-managed Prometheus Operator, Prometheus and Alertmanager (PSA restricted); alerting must keep working when a constraint misfires" },
];
