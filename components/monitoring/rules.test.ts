import { buildAlertRules } from "./rules";

describe("security alert rules", () => {
  const rules = buildAlertRules();
  const all = rules.spec.groups.flatMap((g) => g.rules);
  const alert = (name: string) => all.filter((r) => r.alert === name);

  it("CLU-06 pages on every Falco event of critical priority or above", () => {
    expect(alert("FalcoCriticalEvent")).toEqual([
      {
        alert: "FalcoCriticalEvent",
        expr: 'sum by (rule, hostname, k8s_ns_name, k8s_pod_name) (increase(falcosecurity_falcosidekick_falco_events_total{priority_raw=~"critical|alert|emergency"}[5m])) > 0',
        for: "0m",
        labels: { severity: "critical" },
        annotations: expect.objectContaining({ summary: expect.stringContaining("{{ $labels.rule }}") }),
      },
    ]);
  });

  it("CLU-06 routes WARNING and ERROR detections to the operator too, not only critical ones", () => {
    expect(alert("FalcoDetection")).toEqual([
      {
        alert: "FalcoDetection",
        expr: 'sum by (rule, priority_raw, hostname, k8s_ns_name, k8s_pod_name) (increase(falcosecurity_falcosidekick_falco_events_total{priority_raw=~"warning|error"}[5m])) > 0',
        for: "0m",
        labels: { severity: "warning" },
        annotations: expect.objectContaining({ summary: expect.stringContaining("{{ $labels.priority_raw }}") }),
      },
    ]);
  });

  it("CLU-06 warns when Gatekeeper's audit finds more violations of any enforcement action", () => {
    const [rule] = alert("GatekeeperAuditViolationsIncreased");
    expect(rule.expr).toBe(
      "sum by (enforcement_action) (gatekeeper_violations) - sum by (enforcement_action) (gatekeeper_violations offset 1h) > 0",
    );
    expect(rule.for).toBe("15m");
    expect(rule.labels).toEqual({ severity: "warning" });
  });

  it("CLU-06 alerts when Falco, Vault, Istio or Gatekeeper has no healthy scrape target", () => {
    expect(alert("SecurityMetricsMissing").map((r) => [r.labels.component, r.expr, r.for, r.labels.severity])).toEqual([
      ["falco", 'absent(up{namespace="falco"} == 1)', "10m", "critical"],
      ["vault", 'absent(up{namespace="vault"} == 1)', "10m", "critical"],
      ["istio", 'absent(up{namespace="istio-system"} == 1)', "10m", "critical"],
      ["gatekeeper", 'absent(up{namespace="gatekeeper-system"} == 1)', "10m", "critical"],
    ]);
  });

  it("SEC-02 alerts before Vault's audit volume fills, naming the chart's audit claims", () => {
    expect(alert("VaultAuditVolumeFillingUp")).toEqual([
      {
        alert: "VaultAuditVolumeFillingUp",
        expr:
          'kubelet_volume_stats_available_bytes{namespace="vault", persistentvolumeclaim=~"audit-vault-[0-9]+"} / ' +
          'kubelet_volume_stats_capacity_bytes{namespace="vault", persistentvolumeclaim=~"audit-vault-[0-9]+"} < 0.2',
        for: "10m",
        labels: { severity: "critical" },
        annotations: expect.objectContaining({ summary: expect.stringContaining("archive and truncate") }),
      },
    ]);
  });

  it("lives in the monitoring namespace with the platform monitoring labels", () => {
    expect(rules.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(rules.kind).toBe("PrometheusRule");
    expect(rules.metadata.name).toBe("agent-platform-security");
    expect(rules.metadata.namespace).toBe("monitoring");
    expect(rules.metadata.labels["agent-platform.io/monitoring"]).toBe("platform");
    expect(rules.spec.groups.map((g) => g.name)).toEqual(["security-events", "vault-audit", "tenant-budgets", "security-scrape-coverage"]);
  });

  it("SEC-09 alerts, per tenant namespace, when an egress proxy refuses provider calls over budget", () => {
    const budget = rules.spec.groups.find((g) => g.name === "tenant-budgets")!.rules;
    expect(budget).toEqual([
      {
        alert: "ProviderBudgetExhausted",
        expr: 'sum by (namespace) (increase(envoy_http_local_rate_limit_rate_limited{envoy_local_http_ratelimit_prefix="provider"}[5m])) > 0',
        for: "0m",
        labels: { severity: "warning", component: "tenant" },
        annotations: { summary: "Tenant {{ $labels.namespace }} hit its provider call budget: its egress proxy refused {{ $value }} calls in 5 minutes." },
      },
    ]);
  });
});
