import {
  CONTEXT_FIELDS,
  GVISOR_MONITOR_SOCKET,
  GVISOR_MONITOR_TMPFILES_PATH,
  RUNSC_POD_INIT_PATH,
  TRACE_POINTS,
  monitorDirTmpfiles,
  runscMonitoringFlags,
  runscPodInitConfig,
  runtimeMonitoringNodeFiles,
} from "./gvisor";

describe("gVisor runtime monitoring session", () => {
  it("RUN-08 declares one Default session streaming to the monitor socket, failing closed", () => {
    const config = runscPodInitConfig();
    expect(Object.keys(config)).toEqual(["trace_session"]);
    expect(config.trace_session).toMatchObject({
      name: "Default",
      ignore_missing: false,
      sinks: [{ name: "remote", config: { endpoint: GVISOR_MONITOR_SOCKET, retries: 3 }, ignore_setup_error: false }],
    });
    expect(runscPodInitConfig({ endpoint: "/run/x.sock", retries: 5 }).trace_session.sinks[0].config).toEqual({ endpoint: "/run/x.sock", retries: 5 });
  });

  it("RUN-08 requests exactly the points the monitor decodes, syscalls on exit, with the context it reads", () => {
    const points = runscPodInitConfig().trace_session.points as { name: string; optional_fields?: string[]; context_fields: string[] }[];
    expect(points.map((p) => p.name)).toEqual([
      "container/start",
      "sentry/execve",
      "syscall/open/exit",
      "syscall/openat/exit",
      "syscall/connect/exit",
      "syscall/setuid/exit",
      "syscall/setgid/exit",
      "syscall/setresuid/exit",
      "syscall/setresgid/exit",
    ]);
    expect(points[0].optional_fields).toEqual(["env"]);
    for (const point of points) expect(point.context_fields).toEqual(CONTEXT_FIELDS);
    for (const control of ["RUN-01", "RUN-02", "RUN-03", "RUN-04", "RUN-05", "RUN-06", "RUN-07"]) {
      expect([control, TRACE_POINTS.filter((p) => p.controls.includes(control)).length > 0]).toEqual([control, true]);
    }
  });

  it("gives sandbox nodes the session file, the socket directory owned by the monitor's uid, and the runsc flag", () => {
    expect(runscMonitoringFlags()).toEqual({ "pod-init-config": RUNSC_POD_INIT_PATH });
    const files = runtimeMonitoringNodeFiles();
    expect(files.map((f) => f.path)).toEqual([RUNSC_POD_INIT_PATH, GVISOR_MONITOR_TMPFILES_PATH]);
    expect(JSON.parse(files[0].content)).toEqual(runscPodInitConfig());
    expect(files[1].content).toBe(monitorDirTmpfiles());
    expect(monitorDirTmpfiles()).toBe("d /run/agent-platform 0750 65532 65532 -\n");
  });
});
