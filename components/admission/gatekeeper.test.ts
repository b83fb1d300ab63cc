import * as k8s from "@pulumi/kubernetes";
import { EXAMPLE_NETWORK } from "../network/testing";
import { ProgramRun, runProgram } from "../../scripts/engine/run";
import { GATEKEEPER_IGNORE_LABEL } from "./defaults";
import { Gatekeeper, GatekeeperArgs, gatekeeperValues } from "./gatekeeper";
import { gatekeeperAlertRules } from "./monitoring";
import { POLICIES } from "./policies";

const COMPONENT = "urn:pulumi:prod::agent-platform::pulumi:pulumi:Stack$agent-platform:admission:Gatekeeper::admission";

function runGatekeeper(args: Omit<GatekeeperArgs, "network">): Promise<ProgramRun> {
  return runProgram({
    configOnly: true,
    program: async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "mock" });
      new Gatekeeper("admission", { ...args, network: EXAMPLE_NETWORK }, { provider });
    },
  });
}

describe("Gatekeeper component", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runGatekeeper({ latestTag: "deny", allowedRegistries: ["ghcr.io"], values: { replicas: 5, controllerManager: { logLevel: "DEBUG" } } });
  });

  it("installs the pinned chart into its own restricted namespace, through the given provider", () => {
    const release = run.findResource("kubernetes:helm.sh/v3:Release", "admission-release");
    expect(release.parent).toBe(COMPONENT);
    expect(release.inputs).toMatchObject({
      name: "gatekeeper",
      chart: "gatekeeper",
      version: "3.23.1",
      repositoryOpts: { repo: "https://open-policy-agent.github.io/gatekeeper/charts" },
      namespace: "gatekeeper-system",
      createNamespace: false,
    });
    expect(release.options.provider).toMatch(/pulumi:providers:kubernetes::k8s/);
    expect(run.findResource("kubernetes:core/v1:Namespace", "gatekeeper-system-namespace").options.provider).toMatch(/pulumi:providers:kubernetes::k8s/);
    const ns = run.findResource("kubernetes:core/v1:Namespace", "gatekeeper-system-namespace");
    expect(ns.inputs.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      [GATEKEEPER_IGNORE_LABEL]: "no-self-managing",
      "app.kubernetes.io/part-of": "agent-platform",
    });
    expect(release.options.dependsOn).toContain(ns.urn);
  });

  it("keeps the chart's fail-open webhook, exempts the platform namespaces and merges caller values last", () => {
    const values = run.findResource("kubernetes:helm.sh/v3:Release", "admission-release").inputs.values;
    expect(values).toMatchObject({
      replicas: 5,
      validatingWebhookFailurePolicy: "Ignore",
      logDenies: true,
      emitAdmissionEvents: true,
      emitAuditEvents: true,
      postInstall: { labelNamespace: { enabled: false } },
      controllerManager: { logLevel: "DEBUG" },
    });
    // Only kube-system may carry the webhook-bypass label; the chart adds gatekeeper-system itself.
    expect(values.controllerManager.exemptNamespaces).toEqual(["kube-system"]);
    expect(gatekeeperValues({ replicas: 1 }).replicas).toBe(1);
    expect(gatekeeperValues().replicas).toBe(3);
  });

  it("declares every template after the chart and every constraint after its template", () => {
    const release = run.findResource("kubernetes:helm.sh/v3:Release", "admission-release");
    for (const policy of POLICIES) {
      const template = run.findResource("kubernetes:templates.gatekeeper.sh/v1:ConstraintTemplate", `admission-template-${policy.name}`);
      expect(template.options.dependsOn).toContain(release.urn);
      expect(template.inputs.metadata.name).toBe(policy.kind.toLowerCase());
      const constraint = run.findResource(`kubernetes:constraints.gatekeeper.sh/v1beta1:${policy.kind}`, `admission-constraint-${policy.name}`);
      expect(constraint.options.dependsOn).toContain(template.urn);
      expect(constraint.parent).toBe(COMPONENT);
    }
    for (const name of ["admission-expand-workloads", "admission-expand-cronjobs"]) {
      expect(run.findResource("kubernetes:expansion.gatekeeper.sh/v1beta1:ExpansionTemplate", name).options.dependsOn).toContain(release.urn);
    }
  });

  it("passes admission.latestTag and allowedRegistries through to the constraints", async () => {
    const latest = (r: ProgramRun) =>
      r.findResource("kubernetes:constraints.gatekeeper.sh/v1beta1:K8sAgentDisallowLatest", "admission-constraint-disallowlatest").inputs.spec.enforcementAction;
    expect(latest(run)).toBe("deny");
    expect(
      run.findResource("kubernetes:constraints.gatekeeper.sh/v1beta1:K8sAgentAllowedRegistries", "admission-constraint-allowedregistries").inputs.spec.parameters,
    ).toEqual({ registries: ["ghcr.io"] });

    const defaults = await runGatekeeper({});
    expect(latest(defaults)).toBe("warn");
    expect(defaults.findResources("kubernetes:constraints.gatekeeper.sh/v1beta1:K8sAgentAllowedRegistries")).toEqual([]);
  });

  it("is scraped by annotations, or by a PodMonitor with alert rules when the Prometheus Operator is there", async () => {
    const values = run.findResource("kubernetes:helm.sh/v3:Release", "admission-release").inputs.values;
    expect(values.podAnnotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "8888", "prometheus.io/path": "/metrics" });
    expect(run.findResources("kubernetes:monitoring.coreos.com/v1:PodMonitor")).toEqual([]);

    const monitored = await runGatekeeper({ prometheusOperator: true, monitoringLabels: { release: "kps" } });
    const release = monitored.findResource("kubernetes:helm.sh/v3:Release", "admission-release");
    expect(release.inputs.values.podAnnotations).toBeUndefined();
    const monitor = monitored.findResource("kubernetes:monitoring.coreos.com/v1:PodMonitor", "admission-pod-monitor");
    expect(monitor.inputs).toMatchObject({
      metadata: { name: "gatekeeper", namespace: "gatekeeper-system", labels: { release: "kps" } },
      spec: { selector: { matchLabels: { app: "gatekeeper" } }, podMetricsEndpoints: [{ port: "metrics", path: "/metrics" }] },
    });
    const rules = monitored.findResource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "admission-alert-rules");
    expect(rules.options.dependsOn).toContain(release.urn);
    const alerts = gatekeeperAlertRules().spec.groups[0].rules;
    expect(alerts.map((r: any) => [r.alert, r.labels.severity])).toEqual([
      ["GatekeeperWebhookUnavailable", "critical"],
      ["GatekeeperAuditStale", "warning"],
      ["GatekeeperDenyViolationsInCluster", "warning"],
    ]);
    expect(alerts[0].expr).toContain('deployment="gatekeeper-controller-manager"');
  });
});
