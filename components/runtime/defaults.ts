/** Pinned charts and node facts the runtime-detection component depends on. */
import * as path from "path";

/** Host-level Falco on every node (modern eBPF). Chart 9.x dropped the gVisor engine. */
export const FALCO_CHART = {
  chart: "falco",
  version: "9.1.1",
  appVersion: "0.44.1",
  repo: "https://falcosecurity.github.io/charts",
} as const;

export const FALCO_NAMESPACE = "falco";
export const FALCO_RELEASE = "falco";

/** Sandbox nodes carry this taint (effect NoSchedule) and label; must equal the cluster component's. */
export const SANDBOX_TAINT_KEY = "agent-platform.io/sandbox";
export const SANDBOX_NODE_LABEL = "agent-platform.io/sandbox";
export const SANDBOX_NODE_VALUE = "gvisor";

/** Falco's webserver serves /metrics here; falcosidekick serves its own on its listen port. */
export const FALCO_METRICS_PORT = 8765;
export const SIDEKICK_PORT = 2801;

export const AGENT_RULES_FILE = path.join(__dirname, "rules", "agent-rules.yaml");
/** The name the rules file gets under /etc/falco/rules.d. */
export const AGENT_RULES_NAME = "agent-platform-rules.yaml";
