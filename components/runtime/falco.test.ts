import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ProgramRun, runProgram } from "../../scripts/engine/run";
import { EXAMPLE_NETWORK } from "../network/testing";
import { AGENT_RULES_NAME, SANDBOX_TAINT_KEY } from "./defaults";
import { Falco, FalcoArgs, falcoTolerations, falcoValues } from "./falco";
import { falcoAlertRules } from "./monitoring";
import { agentRulesYaml } from "./rules";

const WEBHOOK = "https://hooks.slack.com/services/T000/B000/supersecretpath";
const RELEASE = "kubernetes:helm.sh/v3:Release";

function runFalco(args: Omit<FalcoArgs, "network">): Promise<ProgramRun> {
  return runProgram({
    configOnly: true,
    program: async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "mock" });
      new Falco("runtime", { ...args, network: EXAMPLE_NETWORK }, { provider });
    },
  });
}

describe("Falco component", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runFalco({ alertWebhookUrl: pulumi.secret(WEBHOOK) });
  });

  it("installs the pinned Falco chart with the modern eBPF driver into a privileged namespace", () => {
    const release = run.findResource(RELEASE, "runtime-release");
    expect(release.inputs).toMatchObject({
      name: "falco",
      chart: "falco",
      version: "9.1.1",
      repositoryOpts: { repo: "https://falcosecurity.github.io/charts" },
      namespace: "falco",
      createNamespace: false,
    });
    expect(release.inputs.values.driver).toEqual({ kind: "modern_ebpf", modernEbpf: { leastPrivileged: true } });
    expect(release.options.provider).toMatch(/pulumi:providers:kubernetes::k8s/);
    const ns = run.findResource("kubernetes:core/v1:Namespace", "falco-namespace");
    expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(release.options.dependsOn).toContain(ns.urn);
  });

  it("runs on the tainted sandbox nodes too", () => {
    const values = run.findResource(RELEASE, "runtime-release").inputs.values;
    expect(values.tolerations).toContainEqual({ key: "agent-platform.io/sandbox", operator: "Exists", effect: "NoSchedule" });
    expect(SANDBOX_TAINT_KEY).toBe("agent-platform.io/sandbox");
    expect(falcoTolerations("other/taint")[0]).toEqual({ key: "other/taint", operator: "Exists", effect: "NoSchedule" });
  });

  it("loads the agent rules file as a custom rules file", () => {
    const values = run.findResource(RELEASE, "runtime-release").inputs.values;
    expect(values.customRules).toEqual({ [AGENT_RULES_NAME]: agentRulesYaml() });
    expect(values.falco).toMatchObject({ json_output: true, json_include_tags_property: true });
  });

  it("RUN-01 RUN-05 RUN-06 are not shadowed by the stock rules: Falco reports every matching rule", () => {
    const values = run.findResource(RELEASE, "runtime-release").inputs.values;
    // The chart loads falco_rules.yaml before rules.d; with `first`, a stock match would win.
    expect(values.falco.rule_matching).toBe("all");
  });

  it("keeps the alert webhook URL in a Secret and hands falcosidekick only the Secret's name", () => {
    const release = run.findResource(RELEASE, "runtime-release");
    expect(JSON.stringify(release.inputs)).not.toContain("supersecretpath");
    expect(release.inputs.values.falcosidekick).toMatchObject({
      enabled: true,
      config: {
        extraEnv: [{ name: "SLACK_WEBHOOKURL", valueFrom: { secretKeyRef: { name: "runtime-alert-webhook", key: "url" } } }],
        slack: { minimumpriority: "warning" },
      },
    });
    const secret = run.findResource("kubernetes:core/v1:Secret", "runtime-alert-webhook");
    expect(secret.inputs.metadata).toEqual({ name: "runtime-alert-webhook", namespace: "falco" });
    expect(JSON.stringify(secret.inputs)).not.toContain("supersecretpath");
    expect(secret.inputs.stringData).toBe("[secret]");
    expect(release.options.dependsOn).toContain(secret.urn);
  });

  it("exposes metrics by scrape annotations, or by ServiceMonitors when the CRDs exist", () => {
    const values = run.findResource(RELEASE, "runtime-release").inputs.values;
    expect(values.metrics).toEqual({ enabled: true });
    expect(values.serviceMonitor).toEqual({ create: false });
    expect(values.podAnnotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "8765", "prometheus.io/path": "/metrics" });
    expect(values.falcosidekick.podAnnotations["prometheus.io/port"]).toBe("2801");

    const monitored = falcoValues({ serviceMonitor: true, serviceMonitorLabels: { release: "kps" }, rules: "[]" });
    expect(monitored.serviceMonitor).toEqual({ create: true, labels: { release: "kps" } });
    expect(monitored.podAnnotations).toBeUndefined();
    expect(monitored.falcosidekick).toMatchObject({ serviceMonitor: { enabled: true, additionalLabels: { release: "kps" } } });
    expect(run.findResources("kubernetes:monitoring.coreos.com/v1:PrometheusRule")).toEqual([]);
  });

  it("declares coverage alerts when the Prometheus Operator is there", async () => {
    const monitored = await runFalco({ prometheusOperator: true, monitoringLabels: { release: "kps" } });
    const values = monitored.findResource(RELEASE, "runtime-release").inputs.values;
    expect(values.serviceMonitor).toEqual({ create: true, labels: { release: "kps" } });
    const rules = monitored.findResource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "runtime-alert-rules");
    expect(rules.inputs.metadata).toEqual({ name: "falco", namespace: "falco", labels: { release: "kps" } });
    expect(rules.options.dependsOn).toContain(monitored.findResource(RELEASE, "runtime-release").urn);
    const alerts = falcoAlertRules().spec.groups[0].rules;
    expect(alerts.map((r: any) => [r.alert, r.labels.severity])).toEqual([
      ["FalcoNotOnEveryNode", "critical"],
      ["FalcosidekickUnavailable", "critical"],
    ]);
    expect(alerts[0].expr).toContain('daemonset="falco"');
    expect(alerts[1].expr).toContain('deployment="falco-falcosidekick"');
  });

  it("ADM-03 ISO-06 ISO-07 ISO-08 hold Falco's sidecars and falcosidekick to every rule, and Falco to all but its host access", () => {
    const values = falcoValues();
    // Falco itself: ALL dropped, then only modern eBPF's capabilities; it stays root (exempted).
    expect(values.containerSecurityContext).toEqual({
      allowPrivilegeEscalation: false,
      seccompProfile: { type: "RuntimeDefault" },
      capabilities: { drop: ["ALL"], add: ["BPF", "SYS_RESOURCE", "PERFMON", "SYS_PTRACE"] },
    });
    // One runtime socket mounted from the host: the one the exemption lists.
    expect(values.collectors?.containerEngine?.engines).toEqual({
      docker: { enabled: false },
      podman: { enabled: false },
      containerd: { enabled: false },
      cri: { enabled: true, sockets: ["/run/containerd/containerd.sock"] },
    });
    const falcoctl = {
      resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
      },
    };
    expect(values.falcoctl).toEqual({ artifact: { install: falcoctl, follow: falcoctl } });
    expect(values.falcosidekick).toMatchObject({
      resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 1234, fsGroup: 1234, seccompProfile: { type: "RuntimeDefault" } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
    });
  });

  it("merges caller values last, and leaves out what the caller turns off", async () => {
    const merged = falcoValues({ rules: "[]", overrides: { driver: { kind: "kmod" }, metrics: { interval: "1m" } } });
    expect(merged.driver).toEqual({ kind: "kmod", modernEbpf: { leastPrivileged: true } });
    expect(merged.metrics).toEqual({ enabled: true, interval: "1m" });

    const bare = await runFalco({ alertWebhookSecretName: "ops-webhook", alertWebhookKind: "webhook" });
    expect(bare.findResources(RELEASE).map((r) => r.name)).toEqual(["runtime-release"]);
    expect(bare.findResources("kubernetes:core/v1:Secret")).toEqual([]);
    expect(bare.findResource(RELEASE, "runtime-release").inputs.values.falcosidekick.config.extraEnv).toEqual([
      { name: "WEBHOOK_ADDRESS", valueFrom: { secretKeyRef: { name: "ops-webhook", key: "url" } } },
    ]);
  });
});
