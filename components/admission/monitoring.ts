/**
 * How Prometheus sees Gatekeeper: a PodMonitor for both Deployments (the 3.23.1 chart ships no
 * monitor) and alerts on the failure modes that matter for a fail-open webhook. Only declared
 * when the Prometheus Operator's CRDs exist; otherwise the pods carry scrape annotations.
 */
import { GATEKEEPER_NAMESPACE } from "./defaults";

/** controllerManager.metricsPort and audit.metricsPort of the chart, on the container port named "metrics". */
export const GATEKEEPER_METRICS_PORT = 8888;

export function gatekeeperScrapeAnnotations(): Record<string, string> {
  return { "prometheus.io/scrape": "true", "prometheus.io/port": String(GATEKEEPER_METRICS_PORT), "prometheus.io/path": "/metrics" };
}

export function gatekeeperPodMonitor(labels: Record<string, string> = {}): Record<string, any> {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: "gatekeeper", namespace: GATEKEEPER_NAMESPACE, labels },
    spec: {
      // Both the webhook and the audit pods carry app=gatekeeper; audit owns gatekeeper_violations.
      selector: { matchLabels: { app: "gatekeeper" } },
      namespaceSelector: { matchNames: [GATEKEEPER_NAMESPACE] },
      podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
    },
  };
}

/** Metric names from Gatekeeper's metrics reference and kube-state-metrics. */
export function gatekeeperAlertRules(labels: Record<string, string> = {}): Record<string, any> {
  const ns = `namespace="${GATEKEEPER_NAMESPACE}"`;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "gatekeeper", namespace: GATEKEEPER_NAMESPACE, labels },
    spec: {
      groups: [
        {
          name: "gatekeeper",
          rules: [
            {
              // The webhook fails open: with no replica up, every admission goes unchecked.
              alert: "GatekeeperWebhookUnavailable",
              expr: `sum(kube_deployment_status_replicas_available{${ns}, deployment="gatekeeper-controller-manager"}) < 1`,
              for: "2m",
              labels: { severity: "critical" },
              annotations: { summary: "Gatekeeper's admission webhook has no available replica; admission is unchecked (fail-open)." },
            },
            {
              alert: "GatekeeperAuditStale",
              expr: "time() - max(gatekeeper_audit_last_run_end_time) > 600",
              for: "10m",
              labels: { severity: "warning" },
              annotations: { summary: "Gatekeeper has not finished an audit run for 10 minutes." },
            },
            {
              // Objects admitted while the webhook was down, or before a constraint existed.
              alert: "GatekeeperDenyViolationsInCluster",
              expr: 'sum(gatekeeper_violations{enforcement_action="deny"}) > 0',
              for: "15m",
              labels: { severity: "warning" },
              annotations: { summary: "Audit finds {{ $value }} objects that violate deny constraints." },
            },
          ],
        },
      ],
    },
  };
}
