/**
 * gVisor's own runtime monitoring (seccheck) for RUN-08: the runsc pod-init trace session that
 * streams guest syscalls of every sandbox to a node-local monitor. Host Falco cannot see these
 * syscalls, and Falco 0.44 dropped its gVisor engine (docs/decisions/falco-and-gvisor.md).
 *
 * The cluster component writes this file on sandbox nodes and the runtime component runs the
 * monitor that listens on the socket (monitorSpec.ts, gvisorMonitor.ts): a fail-closed session
 * with nobody listening stops every sandbox from starting, so the two ship together.
 */
import type { NodeFile } from "../cluster/userdata";

/** Where the cluster component writes the trace session on sandbox nodes. */
export const RUNSC_POD_INIT_PATH = "/etc/containerd/runsc-pod-init.json";
/** The host directory runsc and the monitor share, and the monitor's socket in it. */
export const GVISOR_MONITOR_DIR = "/run/agent-platform";
export const GVISOR_MONITOR_SOCKET = `${GVISOR_MONITOR_DIR}/gvisor-monitor.sock`;
/** The monitor runs as this uid and owns the directory; runsc connects as root. */
export const GVISOR_MONITOR_UID = 65532;
/** systemd-tmpfiles recreates the directory (on tmpfs) at every boot, before kubelet starts. */
export const GVISOR_MONITOR_TMPFILES_PATH = "/etc/tmpfiles.d/agent-platform-gvisor-monitor.conf";

/**
 * Context the monitor reads from every point: the container (attribution), the thread group and
 * its parent (process and parent names), credentials, the cwd (relative opens) and whether the
 * task came from `kubectl exec`.
 */
export const CONTEXT_FIELDS = [
  "time",
  "group_id",
  "parent_thread_group_id",
  "container_id",
  "credentials",
  "cwd",
  "process_name",
  "is_exec_session",
];

/**
 * Trace points and the detections (RUN-xx) that read them; components/runtime/monitor consumes
 * exactly these. Syscalls are traced on exit, where the result is known (Falco's rules match
 * `evt.dir=<` too). gVisor has no point for chmod or openat2; docs/decisions/falco-and-gvisor.md
 * records what that leaves out.
 */
export const TRACE_POINTS: { name: string; controls: string[]; optionalFields?: string[] }[] = [
  // The container's environment carries its pod, namespace and name (downward API).
  { name: "container/start", controls: ["RUN-08"], optionalFields: ["env"] },
  { name: "sentry/execve", controls: ["RUN-01", "RUN-02", "RUN-03"] },
  { name: "syscall/open/exit", controls: ["RUN-04", "RUN-06"] },
  { name: "syscall/openat/exit", controls: ["RUN-04", "RUN-06"] },
  { name: "syscall/connect/exit", controls: ["RUN-03", "RUN-05", "RUN-07"] },
  ...["setuid", "setgid", "setresuid", "setresgid"].map((call) => ({ name: `syscall/${call}/exit`, controls: ["RUN-02"] })),
];

export interface PodInitConfigArgs {
  /** The monitor's socket. @default GVISOR_MONITOR_SOCKET */
  endpoint?: string;
  /** Connection attempts before the sink counts as unreachable. @default 3 */
  retries?: number;
}

/**
 * The `--pod-init-config` JSON: one session, which runsc requires to be named "Default". It fails
 * closed: a point this runsc does not know, or a monitor that does not answer, stops the sandbox
 * (RUN-08: no agent runs unobserved). gVisor offers no fail-open for the remote sink anyway:
 * `ignore_setup_error` leaves it without an endpoint, and creating the session then fails.
 */
export function runscPodInitConfig(args: PodInitConfigArgs = {}): Record<string, any> {
  return {
    trace_session: {
      name: "Default",
      ignore_missing: false,
      points: TRACE_POINTS.map((p) => ({
        name: p.name,
        ...(p.optionalFields ? { optional_fields: p.optionalFields } : {}),
        context_fields: CONTEXT_FIELDS,
      })),
      sinks: [
        {
          name: "remote",
          config: { endpoint: args.endpoint ?? GVISOR_MONITOR_SOCKET, retries: args.retries ?? 3 },
          ignore_setup_error: false,
        },
      ],
    },
  };
}

/** The `[runsc_config]` flag the cluster component adds (its `runscFlags` argument). */
export function runscMonitoringFlags(path: string = RUNSC_POD_INIT_PATH): Record<string, string> {
  return { "pod-init-config": path };
}

export function monitorDirTmpfiles(): string {
  return `d ${GVISOR_MONITOR_DIR} 0750 ${GVISOR_MONITOR_UID} ${GVISOR_MONITOR_UID} -\n`;
}

/** What sandbox nodes need on disk for the session: the session itself and the socket directory. */
export function runtimeMonitoringNodeFiles(args: PodInitConfigArgs = {}): NodeFile[] {
  return [
    { path: RUNSC_POD_INIT_PATH, content: JSON.stringify(runscPodInitConfig(args), null, 2) + "\n" },
    { path: GVISOR_MONITOR_TMPFILES_PATH, content: monitorDirTmpfiles() },
  ];
}
