/**
 * gVisor's own runtime monitoring (seccheck) for RUN-08: the runsc pod-init trace session that
 * streams guest syscalls of every sandbox to a node-local monitor. Host Falco cannot see these
 * syscalls, and Falco 0.44 dropped its gVisor engine (docs/decisions/falco-and-gvisor.md).
 *
 * The cluster component installs this file on sandbox nodes together with the monitor that
 * listens on the socket; installed without the monitor, a fail-closed session stops every
 * sandbox from starting, which is why the two must ship as one change.
 */

/** Where the cluster component writes the trace session on sandbox nodes. */
export const RUNSC_POD_INIT_PATH = "/etc/containerd/runsc-pod-init.json";
/** The monitor DaemonSet's Unix socket, a hostPath shared with runsc. */
export const GVISOR_MONITOR_SOCKET = "/run/agent-platform/gvisor-monitor.sock";

/** Context every event needs to be attributed to a tenant's container and process. */
const CONTEXT = ["credentials", "container_id", "thread_id", "task_start_time", "time"];

/**
 * Trace points and the detections (RUN-xx) that need them. The names are those Falco's own
 * gVisor engine requested from runsc, so each exists in the gVisor releases it supported.
 */
export const TRACE_POINTS: { name: string; controls: string[]; extraContext?: string[] }[] = [
  { name: "container/start", controls: ["RUN-01", "RUN-02", "RUN-03", "RUN-04", "RUN-05", "RUN-06", "RUN-07"], extraContext: ["cwd"] },
  { name: "sentry/clone", controls: ["RUN-01", "RUN-03"], extraContext: ["process_name"] },
  { name: "sentry/execve", controls: ["RUN-01", "RUN-02", "RUN-03"] },
  { name: "sentry/task_exit", controls: ["RUN-01"] },
  { name: "syscall/execve/enter", controls: ["RUN-01", "RUN-02", "RUN-03"] },
  { name: "syscall/execve/exit", controls: ["RUN-01", "RUN-02", "RUN-03"], extraContext: ["cwd"] },
  { name: "syscall/openat/enter", controls: ["RUN-04", "RUN-06"] },
  { name: "syscall/openat/exit", controls: ["RUN-04", "RUN-06"] },
  { name: "syscall/connect/enter", controls: ["RUN-03", "RUN-05", "RUN-07"] },
  { name: "syscall/connect/exit", controls: ["RUN-03", "RUN-05", "RUN-07"] },
  ...["setuid", "setresuid", "setgid", "setresgid", "chroot"].flatMap((call) => [
    { name: `syscall/${call}/enter`, controls: ["RUN-02"] },
    { name: `syscall/${call}/exit`, controls: ["RUN-02"] },
  ]),
];

export interface PodInitConfigArgs {
  /** The monitor's socket. @default GVISOR_MONITOR_SOCKET */
  endpoint?: string;
  /**
   * Refuse to start a sandbox the monitor cannot watch (sink unreachable, or a point this runsc
   * does not know). RUN-08 asks that no agent runs unobserved. @default true
   */
  failClosed?: boolean;
  /** Connection attempts before the sink counts as unreachable. @default 3 */
  retries?: number;
}

/** The `--pod-init-config` JSON: one session, which runsc requires to be named "Default". */
export function runscPodInitConfig(args: PodInitConfigArgs = {}): Record<string, any> {
  const failClosed = args.failClosed ?? true;
  return {
    trace_session: {
      name: "Default",
      ignore_missing: !failClosed,
      points: TRACE_POINTS.map((p) => ({ name: p.name, context_fields: [...CONTEXT, ...(p.extraContext ?? [])] })),
      sinks: [
        {
          name: "remote",
          config: { endpoint: args.endpoint ?? GVISOR_MONITOR_SOCKET, retries: args.retries ?? 3 },
          ignore_setup_error: !failClosed,
        },
      ],
    },
  };
}

/** The `[runsc_config]` flag the cluster component adds (its `runscFlags` argument). */
export function runscMonitoringFlags(path: string = RUNSC_POD_INIT_PATH): Record<string, string> {
  return { "pod-init-config": path };
}
