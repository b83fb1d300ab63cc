/**
 * The gVisor monitor end to end: gVisor's own session loader, remote sink and point protobufs
 * (the seccheck driver) stream a scripted sandbox to the real monitor process, which posts to a
 * falcosidekick stand-in. Each detection is shown firing on the attack and staying quiet on the
 * agent's normal traffic next to it.
 */
import * as fs from "fs";
import { type Alert, MonitorRig, controlOf, podStart } from "./monitor/harness";
import { runscPodInitConfig } from "./gvisor";
import { MONITOR_HEALTH_RULES, monitorSpec } from "./monitorSpec";

jest.setTimeout(60_000);

const gw = { container: "c-gateway", pid: 20, ppid: 2, uid: 1000, cwd: "/home/node" };
const exec = (binary: string, args: string[], who = gw) => ({ kind: "exec", ...who, binary, args });
const open = (path: string, extra: object = {}) => ({ kind: "open", ...gw, syscall: "openat", fd: -100, path, flags: 0, result: 3, ...extra });
const connect = (ip: string, port: number, extra: object = {}) => ({ kind: "connect", ...gw, ip, port, result: 0, ...extra });
const summary = (a: Alert) => [controlOf(a), a.priority, a.output_fields["fd.name"] ?? a.output_fields["proc.cmdline"]];

describe("gVisor runtime monitor (RUN-08)", () => {
  let rig: MonitorRig;
  beforeEach(async () => {
    rig = new MonitorRig();
    await rig.start();
  });
  afterEach(() => rig.stop());

  async function play(events: object[], expected: number): Promise<Alert[]> {
    const run = rig.sandbox([...podStart(), ...events]);
    expect(run).toEqual({ status: 0, stderr: "" });
    const alerts = await rig.waitForAlerts(expected);
    expect(rig.rejected).toEqual([]);
    return alerts;
  }

  it("RUN-01 reports a shell started in the agent, with pod, container, image and parent", async () => {
    const [alert, ...rest] = await play([exec("/usr/bin/node", ["node", "tool.js"]), exec("/bin/bash", ["bash", "-c", "id"])], 1);
    expect(rest).toEqual([]);
    const spec = monitorSpec();
    expect(alert).toMatchObject({ rule: spec.rules["RUN-01"].rule, priority: "Warning", source: "gvisor", hostname: "sandbox-node-1" });
    expect(alert.tags).toEqual(["agent-platform", "RUN-01", "shell", "mitre_execution", "gvisor"]);
    expect(alert.output).toBe(
      "Shell spawned in agent container (shell=bash cmdline=bash -c id parent=node user=<NA> uid=1000 ns=tenant-acme " +
        "pod=agent-0 container=gateway image=ghcr.io/openclaw/openclaw:2026.4.15)",
    );
    expect(alert.time).toBe("2026-11-22T12:00:00.006000Z");
  });

  it("RUN-02 reports sudo and a request for uid 0, not a change to another uid", async () => {
    const alerts = await play(
      [
        exec("/usr/bin/sudo", ["sudo", "id"]),
        { kind: "setid", ...gw, syscall: "setuid", id: 0, result: -1, errno: 1 },
        { kind: "setid", ...gw, syscall: "setresgid", id: 0, result: -1, errno: 1 },
        { kind: "setid", ...gw, syscall: "setresuid", id: 1000, result: 0 },
      ],
      3,
    );
    expect(alerts.map((a) => [controlOf(a), a.priority, a.output_fields["evt.type"]])).toEqual([
      ["RUN-02", "Critical", "execve"],
      ["RUN-02", "Critical", "setuid"],
      ["RUN-02", "Critical", "setresgid"],
    ]);
  });

  it("RUN-03 reports miner binaries, stratum URLs and stratum ports", async () => {
    const alerts = await play(
      [
        exec("/tmp/xmrig", ["xmrig", "-o", "pool"]),
        exec("/usr/bin/curl", ["curl", "stratum+tcp://pool.example:3333"]),
        connect("203.0.113.9", 3333),
        exec("/usr/bin/curl", ["curl", "https://api.anthropic.com"]),
      ],
      4,
    );
    expect(alerts.map(summary)).toEqual([
      ["RUN-03", "Critical", "xmrig -o pool"],
      ["RUN-03", "Critical", "curl stratum+tcp://pool.example:3333"],
      ["RUN-03", "Critical", "203.0.113.9:3333"],
      ["RUN-07", "Error", "203.0.113.9:3333"],
    ]);
  });

  it("RUN-04 reports mounted secrets and Vault tokens read, resolving relative paths; not writes or failed opens", async () => {
    const alerts = await play(
      [
        open("/var/run/secrets/agent/api-key"),
        open(".vault-token", { cwd: "/home/node" }),
        open("/vault/secrets/db", { flags: 1 }),
        open("/run/secrets/other", { result: -13, errno: 13 }),
        open("/home/node/notes.md"),
      ],
      2,
    );
    expect(alerts.map(summary)).toEqual([
      ["RUN-04", "Critical", "/var/run/secrets/agent/api-key"],
      ["RUN-04", "Critical", "/home/node/.vault-token"],
    ]);
  });

  it("RUN-04 stays quiet when the mesh sidecar reads its own token and root certificate, not when the agent does", async () => {
    const sidecar = { container: "c-istio", pid: 40, ppid: 4, uid: 1337, cwd: "/" };
    const alerts = await play(
      [
        // pilot-agent opens them by relative paths from /, as Istio's constants name them.
        { ...open("./var/run/secrets/tokens/istio-token"), ...sidecar },
        { ...open("./var/run/secrets/istio/root-cert.pem"), ...sidecar },
        { ...open("/var/run/secrets/istio/crl/ca-crl.pem"), ...sidecar },
        { ...open("/var/run/secrets/agent-platform/other"), ...sidecar },
        open("/var/run/secrets/tokens/istio-token"),
        open("/var/run/secrets/istio/root-cert.pem"),
      ],
      3,
    );
    expect(alerts.map((a) => [...summary(a), a.output_fields["container.name"]])).toEqual([
      ["RUN-04", "Critical", "/var/run/secrets/agent-platform/other", "istio-proxy"],
      ["RUN-04", "Critical", "/var/run/secrets/tokens/istio-token", "gateway"],
      ["RUN-04", "Critical", "/var/run/secrets/istio/root-cert.pem", "gateway"],
    ]);
  });

  it("RUN-05 reports the Kubernetes API address and kubelet port", async () => {
    const alerts = await play([connect("172.20.0.1", 443), connect("10.40.7.7", 10250), connect("104.18.1.1", 443)], 3);
    expect(alerts.map(summary)).toEqual([
      ["RUN-05", "Error", "172.20.0.1:443"],
      ["RUN-05", "Error", "10.40.7.7:10250"],
      ["RUN-07", "Error", "10.40.7.7:10250"],
    ]);
  });

  it("RUN-06 reports password hashes, pid 1's secrets and service-account tokens, not process listings", async () => {
    const alerts = await play(
      [
        { ...open("shadow"), fd: 5, fdPath: "/etc" },
        open("/proc/1/environ"),
        open("/proc/1/status"),
        { ...open("/var/run/secrets/kubernetes.io/serviceaccount/token"), syscall: "open" },
      ],
      3,
    );
    expect(alerts.map(summary)).toEqual([
      ["RUN-06", "Critical", "/etc/shadow"],
      ["RUN-06", "Critical", "/proc/1/environ"],
      ["RUN-06", "Critical", "/var/run/secrets/kubernetes.io/serviceaccount/token"],
    ]);
  });

  it("RUN-07 reports non-443 egress, not DNS to the resolver, the egress proxy, loopback or the sidecar's istiod", async () => {
    const sidecar = { container: "c-istio", pid: 40, ppid: 4, uid: 1337, cwd: "/" };
    const alerts = await play(
      [
        connect("1.1.1.1", 53),
        connect("10.40.3.7", 3128),
        connect("10.40.3.7", 8443),
        connect("127.0.0.1", 18789),
        { ...connect("10.100.5.5", 15012), ...sidecar },
        connect("10.100.5.5", 15012),
        connect("198.51.100.4", 22),
        connect("2001:db8::7", 8080, { result: -1, errno: 115 }),
        connect("198.51.100.5", 25, { result: -1, errno: 111 }),
      ],
      3,
    );
    expect(alerts.map(summary)).toEqual([
      ["RUN-07", "Error", "10.100.5.5:15012"],
      ["RUN-07", "Error", "198.51.100.4:22"],
      ["RUN-07", "Error", "2001:db8::7:8080"],
    ]);
    expect(alerts[0].output_fields["container.name"]).toBe("gateway");
  });

  it("RUN-08 raises an alert when the sandbox reports dropped points", async () => {
    const [alert] = await play([{ kind: "dropped", count: 17 }], 1);
    expect(alert).toMatchObject({ rule: MONITOR_HEALTH_RULES["monitor-dropped"].rule, priority: "Error" });
    expect(alert.output_fields).toEqual({ "gvisor.sandbox": "sandbox-1", "gvisor.dropped": 17 });
  });

  it("RUN-08 names the sandboxes a restarted monitor can no longer see", async () => {
    const running = rig.sandboxInBackground([...podStart(), { kind: "pause", ms: 3000 }]);
    // The monitor names a connection at its handshake and the sandbox at its first point: wait for the name.
    for (let i = 0; i < 250 && !rig.liveSandboxes().includes("sandbox-1"); i++) await new Promise((r) => setTimeout(r, 20));
    expect(rig.liveSandboxes()).toEqual(["sandbox-1"]);
    // The monitor dies while the sandbox runs: runsc never reconnects, so the new one must say so.
    await rig.stopMonitor();
    await rig.startMonitor();
    const [alert, ...rest] = await rig.waitForAlerts(1);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ rule: MONITOR_HEALTH_RULES["monitor-unobserved"].rule, priority: "Critical", tags: ["agent-platform", "RUN-08", "gvisor"] });
    expect(alert.output).toBe(
      "gVisor monitor restarted; sandboxes started before it are no longer traced until their pods restart (count=1 sandboxes=sandbox-1)",
    );
    expect(rig.liveSandboxes()).toEqual([]);
    await running;
  });

  it("RUN-08 fails closed: with no monitor listening the sandbox does not start, and gVisor has no fail-open for it", async () => {
    await rig.stopMonitor();
    fs.rmSync(rig.socket);
    const closed = rig.sandbox(podStart());
    expect(closed.status).toBe(3);
    expect(closed.stderr).toMatch(/setting up sinks: connect\(".*m\.sock"\): no such file or directory/);
    // Even a session that asks to ignore the setup error cannot start without the monitor.
    const lenient = runscPodInitConfig({ endpoint: rig.socket }) as any;
    lenient.trace_session.sinks[0].ignore_setup_error = true;
    expect(rig.sandbox(podStart(), lenient)).toEqual({ status: 3, stderr: expect.stringContaining("remote sink requires an endpoint") });
  });

  it("counts points and alerts in its metrics, and keeps every event in its log", async () => {
    await play([exec("/bin/sh", ["sh"])], 1);
    const metrics = await rig.get("/metrics");
    expect(metrics).toContain("agent_platform_gvisor_monitor_points 5\n");
    expect(metrics).toContain('agent_platform_gvisor_monitor_alerts{rule="Agent platform shell spawned in agent container"} 1\n');
    expect(rig.stdout.trim().split("\n").map((line) => JSON.parse(line).rule)).toEqual(["Agent platform shell spawned in agent container"]);
  });
});

describe("the seccheck driver is gVisor's own loader, not a stand-in", () => {
  let rig: MonitorRig;
  beforeAll(async () => {
    rig = new MonitorRig();
    await rig.start();
  });
  afterAll(() => rig.stop());

  it("refuses a point gVisor does not have, an unknown key, and a second session name", () => {
    const session = (change: (s: any) => void) => {
      const config: any = { trace_session: { name: "Default", points: [{ name: "container/start" }], sinks: [{ name: "remote", config: { endpoint: rig.socket } }] } };
      change(config);
      return rig.sandbox([], config);
    };
    expect(session(() => undefined).status).toBe(0);
    expect(session((c) => c.trace_session.points.push({ name: "syscall/chmod/exit" }))).toEqual({ status: 3, stderr: expect.stringContaining('"syscall/chmod/exit" not found') });
    expect(session((c) => (c.trace_session.sink = []))).toEqual({ status: 3, stderr: expect.stringContaining('unknown field "sink"') });
    expect(session((c) => (c.trace_session.name = "agents"))).toEqual({ status: 3, stderr: expect.stringContaining('only a single "Default" session is supported') });
  });

  it("sends only the points the session enables, as the Sentry does", () => {
    const config = { trace_session: { name: "Default", points: [{ name: "container/start" }], sinks: [{ name: "remote", config: { endpoint: rig.socket } }] } };
    expect(rig.sandbox([exec("/bin/sh", ["sh"])], config)).toEqual({ status: 4, stderr: expect.stringContaining("point sentry/execve is not enabled") });
  });
});
