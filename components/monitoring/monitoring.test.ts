import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EXAMPLE_NETWORK } from "../network/testing";
import { ProgramRun, runProgram } from "../../scripts/engine/run";
import { Monitoring, MonitoringArgs } from "./monitoring";

const WEBHOOK = "https://hooks.slack.com/services/T000/B000/supersecretpath";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

function runMonitoring(args: Omit<MonitoringArgs, "network">): Promise<ProgramRun> {
  return runProgram({
    configOnly: true,
    program: async () => {
      const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
      new Monitoring("monitoring", { ...args, network: EXAMPLE_NETWORK }, { providers: [p] });
    },
  });
}

describe("Monitoring component", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runMonitoring({ alertWebhookUrl: pulumi.secret(WEBHOOK) });
  });

  it("CLU-06 installs the pinned kube-prometheus-stack into a restricted monitoring namespace", () => {
    const release = run.findResource(RELEASE, "monitoring-release");
    expect(release.inputs).toMatchObject({
      name: "kube-prometheus-stack",
      chart: "kube-prometheus-stack",
      version: "91.5.0",
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      namespace: "monitoring",
      createNamespace: false,
    });
    const spec = release.inputs.values.prometheus.prometheusSpec;
    expect(spec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(spec.podMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(spec.ruleSelectorNilUsesHelmValues).toBe(false);
    expect(spec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("gp3-encrypted");
    expect(release.inputs.values.grafana).toEqual({ enabled: false });
    const ns = run.findResource("kubernetes:core/v1:Namespace", "monitoring-namespace");
    expect(ns.inputs.metadata.name).toBe("monitoring");
    expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(release.options.dependsOn).toContain(ns.urn);
  });

  it("CLU-06 declares the Istio and Vault monitors and the security rules after the chart's CRDs", () => {
    const releaseUrn = run.findResource(RELEASE, "monitoring-release").urn;
    const istiod = run.findResource(SERVICE_MONITOR, "monitoring-istiod-monitor");
    expect(istiod.inputs.metadata).toMatchObject({ name: "istiod", namespace: "monitoring" });
    expect(istiod.inputs.spec.endpoints).toEqual([{ port: "http-monitoring", interval: "30s" }]);
    const proxies = run.findResource(POD_MONITOR, "monitoring-istio-proxy-monitor");
    expect(proxies.inputs.spec.namespaceSelector).toEqual({ any: true });
    expect(proxies.inputs.spec.podMetricsEndpoints[0].relabelings[2].replacement).toBe("$1:15020");
    const vault = run.findResource(POD_MONITOR, "monitoring-vault-monitor");
    expect(vault.inputs.metadata).toMatchObject({ name: "vault", namespace: "vault" });
    expect(vault.inputs.spec.podMetricsEndpoints[0].tlsConfig.ca.secret).toEqual({ name: "vault-server-tls", key: "ca.crt" });
    const rules = run.findResource(RULE, "monitoring-alert-rules");
    expect(rules.inputs.metadata).toMatchObject({ name: "agent-platform-security", namespace: "monitoring" });
    for (const resource of [istiod, proxies, vault, rules]) {
      expect(resource.options.dependsOn).toContain(releaseUrn);
    }
  });

  it("keeps the webhook URL in a Secret that Alertmanager mounts, never in the chart values", () => {
    const release = run.findResource(RELEASE, "monitoring-release");
    expect(JSON.stringify(release.inputs)).not.toContain("supersecretpath");
    const secret = run.findResource("kubernetes:core/v1:Secret", "monitoring-alert-webhook");
    expect(secret.inputs.metadata).toEqual({ name: "monitoring-alert-webhook", namespace: "monitoring" });
    expect(secret.inputs.stringData).toBe("[secret]");
    expect(release.inputs.values.alertmanager.alertmanagerSpec.secrets).toEqual(["monitoring-alert-webhook"]);
    expect(release.inputs.values.alertmanager.config.receivers[1]).toEqual({
      name: "platform",
      slack_configs: [{ api_url_file: "/etc/alertmanager/secrets/monitoring-alert-webhook/url", send_resolved: true }],
    });
    expect(release.options.dependsOn).toContain(secret.urn);
  });

  it("uses an existing Secret, waits for Vault before its monitor, and refuses both webhook sources", async () => {
    const waited = await runProgram({
      configOnly: true,
      program: async () => {
        const p = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const vaultNs = new k8s.core.v1.Namespace("vault-ns", { metadata: { name: "vault" } }, { provider: p });
        new Monitoring(
          "monitoring",
          { alertWebhookSecret: { name: "ops", key: "address" }, alertWebhookKind: "webhook", vaultDependsOn: [vaultNs], network: EXAMPLE_NETWORK },
          { providers: [p] },
        );
      },
    });
    const values = waited.findResource(RELEASE, "monitoring-release").inputs.values;
    expect(values.alertmanager.alertmanagerSpec.secrets).toEqual(["ops"]);
    expect(values.alertmanager.config.receivers[1].webhook_configs).toEqual([
      { url_file: "/etc/alertmanager/secrets/ops/address", send_resolved: true },
    ]);
    expect(waited.findResources("kubernetes:core/v1:Secret")).toEqual([]);
    const vaultNsUrn = waited.findResource("kubernetes:core/v1:Namespace", "vault-ns").urn;
    expect(waited.findResource(POD_MONITOR, "monitoring-vault-monitor").options.dependsOn).toContain(vaultNsUrn);
    expect(waited.findResource(SERVICE_MONITOR, "monitoring-istiod-monitor").options.dependsOn).not.toContain(vaultNsUrn);
    expect(waited.findResource(RELEASE, "monitoring-release").options.dependsOn).not.toContain(vaultNsUrn);

    const both = runMonitoring({ alertWebhookUrl: pulumi.secret(WEBHOOK), alertWebhookSecret: { name: "a", key: "b" } });
    await expect(both).rejects.toThrow("give alertWebhookUrl or alertWebhookSecret, not both");
  });
});
