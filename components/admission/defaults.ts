/** Pinned versions and the namespace scoping shared by the Gatekeeper chart, templates and constraints. */

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
