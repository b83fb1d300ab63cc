import { NOT_A_TENANT_NAMESPACE } from "./defaults";
import { alertWebhookFile, buildAlertmanagerConfig, buildPrometheusValues, zoneSpread } from "./values";

describe("kube-prometheus-stack values", () => {
  it("CLU-06 selects every ServiceMonitor, PodMonitor and PrometheusRule outside tenant namespaces", () => {
    const spec = buildPrometheusValues().prometheus!.prometheusSpec!;
    expect(spec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(spec.podMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(spec.ruleSelectorNilUsesHelmValues).toBe(false);
    expect(spec.probeSelectorNilUsesHelmValues).toBe(false);
    // No `release: <name>` matchLabels of our own: empty selectors then select all.
    expect(spec).not.toHaveProperty("serviceMonitorSelector");
    expect(spec).not.toHaveProperty("podMonitorSelector");
    expect(spec).not.toHaveProperty("ruleSelector");
    const notTenant = { matchExpressions: [{ key: "agent-platform.io/tenant", operator: "DoesNotExist" }] };
    expect(NOT_A_TENANT_NAMESPACE).toEqual(notTenant);
    expect(spec.serviceMonitorNamespaceSelector).toEqual(notTenant);
    expect(spec.podMonitorNamespaceSelector).toEqual(notTenant);
    expect(spec.ruleNamespaceSelector).toEqual(notTenant);
  });

  it("keeps 15 days on encrypted gp3 volumes, two replicas spread across zones", () => {
    const spec = buildPrometheusValues().prometheus!.prometheusSpec!;
    expect(spec.replicas).toBe(2);
    expect(spec.retention).toBe("15d");
    expect(spec.retentionSize).toBe("45GB");
    expect(spec.storageSpec).toEqual({
      volumeClaimTemplate: {
        spec: { storageClassName: "gp3-encrypted", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
      },
    });
    expect(spec.resources).toEqual({ requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } });
    expect(spec.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
      },
    ]);
    expect(buildPrometheusValues().alertmanager!.alertmanagerSpec!.topologySpreadConstraints).toEqual(zoneSpread("alertmanager"));
  });

  it("passes storage class, retention, size and replicas through", () => {
    const values = buildPrometheusValues({ storageClassName: "io2-enc", retention: "30d", storageSize: "200Gi", replicas: 3 });
    const spec = values.prometheus!.prometheusSpec!;
    expect(spec.retention).toBe("30d");
    expect(spec.replicas).toBe(3);
    expect(spec.storageSpec!.volumeClaimTemplate.spec.storageClassName).toBe("io2-enc");
    expect(spec.storageSpec!.volumeClaimTemplate.spec.resources.requests.storage).toBe("200Gi");
    expect(values.alertmanager!.alertmanagerSpec!.replicas).toBe(3);
    expect(values.alertmanager!.alertmanagerSpec!.storage!.volumeClaimTemplate.spec.storageClassName).toBe("io2-enc");
  });

  it("ADM-03 gives every container the chart and its operator run a limit, the config reloaders included", () => {
    const values = buildPrometheusValues();
    const limits = (cpu: string, memory: string) => expect.objectContaining({ limits: { cpu, memory } });
    expect([
      values.prometheusOperator?.resources,
      values.prometheusOperator?.admissionWebhooks?.patch?.resources,
      values.prometheusOperator?.prometheusConfigReloader?.resources,
      values["kube-state-metrics"]?.resources,
    ]).toEqual([limits("500m", "512Mi"), limits("100m", "64Mi"), limits("100m", "64Mi"), limits("500m", "512Mi")]);
  });

  it("turns off Grafana, node-exporter, the unreachable EKS control-plane jobs and their rules", () => {
    const values = buildPrometheusValues();
    expect(values.crds).toEqual({ enabled: true });
    expect(values.grafana).toEqual({ enabled: false });
    expect(values.nodeExporter).toEqual({ enabled: false });
    expect(values.kubeStateMetrics).toEqual({ enabled: true });
    for (const key of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"] as const) {
      expect(values[key]).toEqual({ enabled: false });
    }
    expect(values.defaultRules).toEqual({
      create: true,
      rules: {
        etcd: false,
        kubeControllerManager: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        kubeProxy: false,
        node: false,
        nodeExporterAlerting: false,
        nodeExporterRecording: false,
        kubePrometheusNodeRecording: false,
        network: false,
      },
    });
  });

  it("reads the Slack webhook URL from the mounted Secret, never from the values", () => {
    const values = buildPrometheusValues({ alertWebhook: { name: "ops-webhook", key: "url" } });
    expect(values.alertmanager!.enabled).toBe(true);
    expect(values.alertmanager!.alertmanagerSpec!.secrets).toEqual(["ops-webhook"]);
    expect(alertWebhookFile({ name: "ops-webhook", key: "url" })).toBe("/etc/alertmanager/secrets/ops-webhook/url");
    expect(values.alertmanager!.config).toEqual({
      route: {
        receiver: "platform",
        group_by: ["alertname", "namespace"],
        group_wait: "30s",
        group_interval: "5m",
        repeat_interval: "4h",
        routes: [
          { receiver: "null", matchers: ['alertname = "Watchdog"'] },
          { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
        ],
      },
      receivers: [
        { name: "null" },
        { name: "platform", slack_configs: [{ api_url_file: "/etc/alertmanager/secrets/ops-webhook/url", send_resolved: true }] },
      ],
    });
  });

  it("uses a generic webhook receiver when asked, and no external receiver without a Secret", () => {
    const generic = buildAlertmanagerConfig({ name: "hook", key: "address", kind: "webhook" });
    expect(generic.receivers[1]).toEqual({
      name: "platform",
      webhook_configs: [{ url_file: "/etc/alertmanager/secrets/hook/address", send_resolved: true }],
    });
    const none = buildPrometheusValues();
    expect(none.alertmanager!.config!.receivers).toEqual([{ name: "null" }]);
    expect(none.alertmanager!.config!.route.receiver).toBe("null");
    expect(none.alertmanager!.alertmanagerSpec).not.toHaveProperty("secrets");
  });

  it("merges caller values last", () => {
    const merged = buildPrometheusValues({
      overrides: { prometheus: { prometheusSpec: { retention: "7d", scrapeInterval: "15s" } }, grafana: { enabled: true } },
    });
    expect(merged.prometheus!.prometheusSpec!.retention).toBe("7d");
    expect(merged.prometheus!.prometheusSpec!.scrapeInterval).toBe("15s");
    expect(merged.prometheus!.prometheusSpec!.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(merged.grafana).toEqual({ enabled: true });
  });
});
