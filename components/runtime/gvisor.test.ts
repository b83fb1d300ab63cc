import { CONTROL_DEFINITIONS } from "../../controls/definitions";
import { GVISOR_MONITOR_SOCKET, RUNSC_POD_INIT_PATH, TRACE_POINTS, runscMonitoringFlags, runscPodInitConfig } from "./gvisor";

describe("gVisor runtime monitoring session", () => {
  it("declares one Default session streaming to the monitor socket, failing closed", () => {
    const config = runscPodInitConfig();
    expect(Object.keys(config)).toEqual(["trace_session"]);
    expect(config.trace_session).toMatchObject({
      name: "Default",
      ignore_missing: false,
      sinks: [{ name: "remote", config: { endpoint: GVISOR_MONITOR_SOCKET, retries: 3 }, ignore_setup_error: false }],
    });
    const open = runscPodInitConfig({ failClosed: false, endpoint: "/run/x.sock" }).trace_session;
    expect([open.ignore_missing, open.sinks[0].ignore_setup_error, open.sinks[0].config.endpoint]).toEqual([true, true, "/run/x.sock"]);
  });

  it("requests the points every detection needs, each with container and credential context", () => {
    const detections = CONTROL_DEFINITIONS.filter((c) => c.severity).map((c) => c.id);
    for (const control of detections) {
      expect([control, TRACE_POINTS.some((p) => p.controls.includes(control) && p.name.startsWith("syscall/"))]).toEqual([control, true]);
    }
    const points = runscPodInitConfig().trace_session.points as { name: string; context_fields: string[] }[];
    expect(points.map((p) => p.name)).toEqual(expect.arrayContaining(["syscall/execve/exit", "syscall/openat/exit", "syscall/connect/enter"]));
    for (const point of points) expect(point.context_fields).toEqual(expect.arrayContaining(["container_id", "credentials", "time"]));
    expect(new Set(points.map((p) => p.name)).size).toBe(points.length);
  });

  it("gives the cluster component the runsc flag that loads the session", () => {
    expect(runscMonitoringFlags()).toEqual({ "pod-init-config": RUNSC_POD_INIT_PATH });
    expect(JSON.parse(JSON.stringify(runscPodInitConfig()))).toEqual(runscPodInitConfig());
  });
});
