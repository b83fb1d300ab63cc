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

/** EKS nodes (AL2023) run containerd; Falco's container plugin reads this one socket only. */
export const CONTAINERD_SOCKET = "/run/containerd/containerd.sock";

/** modern_ebpf's least-privileged capability set (the Falco chart's leastPrivileged mode). */
export const FALCO_CAPABILITIES = ["BPF", "SYS_RESOURCE", "PERFMON", "SYS_PTRACE"] as const;

/** ADM-03 for the chart's sidecars and falcosidekick, which it leaves without limits. */
export const FALCOCTL_RESOURCES = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } } as const;
export const SIDEKICK_RESOURCES = { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } } as const;
/** The falcoctl image's non-root user, and falcosidekick's (its Dockerfile's USER). */
export const FALCOCTL_UID = 65532;
export const SIDEKICK_UID = 1234;

/** Falco's webserver serves /metrics here; falcosidekick serves its own on its listen port. */
export const FALCO_METRICS_PORT = 8765;
export const SIDEKICK_PORT = 2801;

/** The gVisor monitor (RUN-08): Python 3.13 on Debian trixie, slim; it needs only the standard library. */
export const MONITOR_IMAGE = "docker.io/library/python:3.13.13-slim-trixie";
export const MONITOR_NAME = "gvisor-monitor";
export const MONITOR_METRICS_PORT = 9376;
/** The monitor's Python sources, shipped in a ConfigMap. */
export const MONITOR_SOURCE_DIR = path.join(__dirname, "monitor");
export const MONITOR_SOURCES = ["monitor.py", "detect.py", "wire.py"] as const;

export const AGENT_RULES_FILE = path.join(__dirname, "rules", "agent-rules.yaml");
/** The name the rules file gets under /etc/falco/rules.d. */
export const AGENT_RULES_NAME = "agent-platform-rules.yaml";
