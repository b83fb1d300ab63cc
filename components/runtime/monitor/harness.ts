/**
 * Test harness for the gVisor monitor: the real monitor process (python3 monitor.py), a
 * falcosidekick stand-in that records what it is sent and checks falcosidekick's own acceptance
 * rule (FalcoPayload.Check: known priority, rule, time, output fields), and the seccheck driver,
 * built from gVisor's source by scripts/install-tools.sh, playing each sandbox.
 */
import { type ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { runscPodInitConfig, type PodInitConfigArgs } from "../gvisor";
import { monitorSpec } from "../monitorSpec";

export const DRIVER = path.resolve(__dirname, "../../../.tools/bin/seccheck-driver");
const MONITOR = path.join(__dirname, "monitor.py");
const PRIORITIES = ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"];

export interface Alert {
  rule: string;
  priority: string;
  output: string;
  output_fields: Record<string, string | number | boolean>;
  tags: string[];
  source: string;
  hostname: string;
  time: string;
}

/** Why falcosidekick would refuse the payload, or undefined when it accepts it. */
export function sidekickRejects(body: any): string | undefined {
  if (!PRIORITIES.includes(String(body.priority).toLowerCase())) return `unknown priority ${body.priority}`;
  if (!body.rule) return "no rule";
  if (Number.isNaN(Date.parse(body.time))) return `bad time ${body.time}`;
  if (!body.output_fields || Object.keys(body.output_fields).length === 0) return "no output fields";
  return undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MonitorRig {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "gvm-"));
  readonly socket = path.join(this.dir, "m.sock");
  readonly state = path.join(this.dir, "state.json");
  readonly alerts: Alert[] = [];
  readonly rejected: string[] = [];
  private sidekick?: http.Server;
  private monitor?: ChildProcess;
  private metricsPort = 0;
  stdout = "";

  async start(): Promise<void> {
    fs.writeFileSync(path.join(this.dir, "spec.json"), JSON.stringify(monitorSpec()));
    this.sidekick = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const parsed = JSON.parse(body);
        const why = sidekickRejects(parsed);
        if (why) this.rejected.push(why);
        else this.alerts.push(parsed);
        res.writeHead(why ? 400 : 200).end();
      });
    });
    await new Promise<void>((resolve) => this.sidekick!.listen(0, "127.0.0.1", resolve));
    const sidekickPort = (this.sidekick.address() as net.AddressInfo).port;
    await this.startMonitor(sidekickPort);
  }

  async startMonitor(sidekickPort?: number): Promise<void> {
    sidekickPort ??= (this.sidekick!.address() as net.AddressInfo).port;
    this.metricsPort = await freePort();
    const args = [MONITOR, "--socket", this.socket, "--spec", path.join(this.dir, "spec.json"), "--state", this.state];
    args.push("--sidekick", `http://127.0.0.1:${sidekickPort}/`, "--metrics-port", String(this.metricsPort));
    args.push("--metrics-address", "127.0.0.1", "--hostname", "sandbox-node-1");
    this.monitor = spawn("python3", args, { stdio: ["ignore", "pipe", "inherit"] });
    this.monitor.stdout!.on("data", (chunk) => (this.stdout += chunk));
    for (let i = 0; i < 100; i++) {
      if ((await this.get("/healthz").catch(() => "")) === "ok\n") return;
      await sleep(50);
    }
    throw new Error("the monitor did not become ready");
  }

  async stopMonitor(): Promise<void> {
    const monitor = this.monitor;
    if (!monitor || monitor.exitCode !== null || monitor.signalCode !== null) return;
    await new Promise((resolve) => {
      monitor.once("exit", resolve);
      monitor.kill("SIGKILL");
    });
  }

  get(route: string): Promise<string> {
    return new Promise((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: this.metricsPort, path: route }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve(body));
        })
        .on("error", reject);
    });
  }

  private driverArgs(events: object[], config: PodInitConfigArgs | object): string[] {
    if (!fs.existsSync(DRIVER)) throw new Error(`${DRIVER} is missing: run scripts/install-tools.sh`);
    const name = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const configFile = path.join(this.dir, `pod-init-${name}.json`);
    const session = "trace_session" in config ? config : runscPodInitConfig({ endpoint: this.socket, ...config });
    fs.writeFileSync(configFile, JSON.stringify(session));
    const eventsFile = path.join(this.dir, `events-${name}.json`);
    fs.writeFileSync(eventsFile, JSON.stringify(events));
    return ["-config", configFile, "-events", eventsFile];
  }

  /** Plays one sandbox; returns the driver's exit code and stderr. */
  sandbox(events: object[], config: PodInitConfigArgs | object = {}): { status: number; stderr: string } {
    const run = spawnSync(DRIVER, this.driverArgs(events, config), { encoding: "utf8", timeout: 30_000 });
    return { status: run.status ?? -1, stderr: run.stderr };
  }

  /** Starts a sandbox that keeps running; resolves with its exit code once it ends. */
  sandboxInBackground(events: object[]): Promise<number> {
    const child = spawn(DRIVER, this.driverArgs(events, {}), { stdio: "ignore" });
    return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  }

  /** The monitor's record of the sandboxes connected to it. */
  liveSandboxes(): string[] {
    return fs.existsSync(this.state) ? JSON.parse(fs.readFileSync(this.state, "utf8")) : [];
  }

  /** Waits until `count` alerts arrived (and a little longer, to catch extra ones). */
  async waitForAlerts(count: number): Promise<Alert[]> {
    for (let i = 0; i < 100 && this.alerts.length < count; i++) await sleep(50);
    await sleep(150);
    return this.alerts.splice(0);
  }

  async stop(): Promise<void> {
    await this.stopMonitor();
    await new Promise((resolve) => this.sidekick?.close(resolve));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The control id an alert carries among its tags. */
export const controlOf = (alert: Alert) => alert.tags.find((t) => /^RUN-\d\d$/.test(t));

/** The start of a tenant's pod sandbox: pause, the agent gateway, the auth guard and the Istio sidecar. */
export function podStart(namespace = "tenant-acme", pod = "agent-0"): object[] {
  const own = (name: string, image: string) => [
    `POD_NAMESPACE=${namespace}`,
    `POD_NAME=${pod}`,
    `AGENT_PLATFORM_CONTAINER=${name}`,
    `AGENT_PLATFORM_IMAGE=${image}`,
  ];
  return [
    { kind: "start", container: "sandbox-1", pid: 1, args: ["/pause"], cwd: "/" },
    { kind: "start", container: "c-gateway", pid: 2, args: ["node", "gateway"], env: own("gateway", "ghcr.io/openclaw/openclaw:2026.4.15"), cwd: "/home/node" },
    { kind: "start", container: "c-guard", pid: 3, args: ["/bin/oauth2-proxy"], env: own("auth-guard", "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0"), cwd: "/" },
    {
      kind: "start",
      container: "c-istio",
      pid: 4,
      args: ["/usr/local/bin/pilot-agent", "proxy", "sidecar"],
      env: [`POD_NAMESPACE=${namespace}`, `POD_NAME=${pod}`],
      cwd: "/",
    },
  ];
}
