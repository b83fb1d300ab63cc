import { buildScrapeTargets } from "./targets";

const byName = (name: string) => {
  const found = buildScrapeTargets().find((t) => t.object.metadata.name === name);
  if (!found) throw new Error(`no target ${name}`);
  return found;
};

describe("scrape targets", () => {
  it("CLU-06 declares exactly the Istio and Vault monitors, each in its namespace with its port", () => {
    expect(
      buildScrapeTargets()
        .filter((t) => t.covers !== "tenant")
        .map((t) => [t.suffix, t.object.kind, t.object.metadata.namespace, t.object.spec.namespaceSelector, t.port]),
    ).toEqual([
      ["istiod-monitor", "ServiceMonitor", "monitoring", { matchNames: ["istio-system"] }, 15014],
      ["istio-proxy-monitor", "PodMonitor", "monitoring", { any: true }, 15020],
      ["vault-monitor", "PodMonitor", "vault", { matchNames: ["vault"] }, 8200],
    ]);
    for (const target of buildScrapeTargets()) {
      expect(target.object.apiVersion).toBe("monitoring.coreos.com/v1");
      expect(target.object.metadata.labels["agent-platform.io/monitoring"]).toBe("platform");
    }
  });

  it("SEC-09 scrapes every tenant's egress proxy on its metrics port, in tenant namespaces only", () => {
    const target = byName("tenant-egress-proxies");
    expect([target.covers, target.port, buildScrapeTargets().filter((t) => t.covers === "tenant").length]).toEqual(["tenant", 9902, 1]);
    expect(target.object.spec).toEqual({
      selector: { matchLabels: { "agent-platform.io/workload": "egress-proxy" } },
      namespaceSelector: { any: true },
      podMetricsEndpoints: [
        {
          port: "http-metrics",
          path: "/stats/prometheus",
          interval: "30s",
          relabelings: [{ action: "keep", sourceLabels: ["__meta_kubernetes_namespace"], regex: "tenant-.+" }],
        },
      ],
    });
  });

  it("CLU-06 scrapes istiod on its http-monitoring Service port 15014", () => {
    expect(byName("istiod").object.spec).toEqual({
      selector: { matchLabels: { app: "istiod", istio: "pilot" } },
      namespaceSelector: { matchNames: ["istio-system"] },
      endpoints: [{ port: "http-monitoring", interval: "30s" }],
    });
  });

  it("CLU-06 scrapes every gateway and sidecar once, on pilot-agent's merged metrics at 15020 /stats/prometheus", () => {
    const [endpoint] = byName("istio-proxies").object.spec.podMetricsEndpoints!;
    expect(endpoint.path).toBe("/stats/prometheus");
    expect(endpoint.relabelings).toEqual([
      { action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_name"], regex: "istio-proxy" },
      { action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_port_name"], regex: "http-envoy-prom" },
      { action: "replace", sourceLabels: ["__address__"], regex: "([^:]+)(?::\\d+)?", replacement: "$1:15020", targetLabel: "__address__" },
    ]);
    // The address rewrite keeps the pod IP and swaps the port, as Prometheus's RE2 would.
    const rewrite = endpoint.relabelings![2];
    expect("10.0.3.7:15090".replace(new RegExp(`^${rewrite.regex}$`), rewrite.replacement!)).toBe("10.0.3.7:15020");
  });

  it("CLU-06 scrapes the active Vault server over TLS on 8200, verified against the internal CA", () => {
    const vault = byName("vault").object;
    expect(vault.spec.selector.matchLabels).toEqual({
      "app.kubernetes.io/name": "vault",
      "app.kubernetes.io/instance": "vault",
      component: "server",
      "vault-active": "true",
    });
    expect(vault.spec.podMetricsEndpoints).toEqual([
      {
        port: "https",
        scheme: "https",
        path: "/v1/sys/metrics",
        params: { format: ["prometheus"] },
        interval: "30s",
        tlsConfig: { ca: { secret: { name: "vault-server-tls", key: "ca.crt" } }, serverName: "vault-active.vault.svc" },
      },
    ]);
    expect(JSON.stringify(vault)).not.toContain("insecureSkipVerify");
  });
});
