/**
 * Alerts on Falco's own coverage: a node without a ready Falco pod is a node without detection,
 * and without falcosidekick no alert reaches the operator. kube-state-metrics series only, so the
 * rules hold whatever Falco's own metric names become.
 */
import { FALCO_NAMESPACE, FALCO_RELEASE } from "./defaults";

export function falcoAlertRules(labels: Record<string, string> = {}): Record<string, any> {
  const daemonset = `namespace="${FALCO_NAMESPACE}", daemonset="${FALCO_RELEASE}"`;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "falco", namespace: FALCO_NAMESPACE, labels },
    spec: {
      groups: [
        {
          name: "falco",
          rules: [
            {
              alert: "FalcoNotOnEveryNode",
              expr: `max(kube_daemonset_status_desired_number_scheduled{${daemonset}}) - max(kube_daemonset_status_number_ready{${daemonset}}) > 0`,
              for: "10m",
              labels: { severity: "critical" },
              annotations: { summary: "{{ $value }} nodes run without a ready Falco pod: no runtime detection there." },
            },
            {
              alert: "FalcosidekickUnavailable",
              expr: `sum(kube_deployment_status_replicas_available{namespace="${FALCO_NAMESPACE}", deployment="${FALCO_RELEASE}-falcosidekick"}) < 1`,
              for: "5m",
              labels: { severity: "critical" },
              annotations: { summary: "falcosidekick is down: Falco alerts do not reach the operator's webhook." },
            },
          ],
        },
      ],
    },
  };
}
