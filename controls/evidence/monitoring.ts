import { Evidence } from "../types";

const DIR = "components/monitoring";
const test = (file: string, title: string) => ({ file: `${DIR}/${file}`, test: title });

/**
 * CLU-06 at the declaration layer: kube-prometheus-stack selects every monitor and rule outside
 * tenant namespaces, this component scrapes Istio and Vault itself, and Falco and Gatekeeper
 * declare their own monitors when the composition builds them with `prometheusOperator: true`.
 */
export const monitoringEvidence: Evidence[] = [
  {
    control: "CLU-06",
    enforcedBy: [
      { kind: "component", file: `${DIR}/monitoring.ts`, symbol: "agent-platform:monitoring:Monitoring" },
      { kind: "component", file: `${DIR}/values.ts`, symbol: "serviceMonitorSelectorNilUsesHelmValues: false" },
      { kind: "component", file: `${DIR}/targets.ts`, symbol: "export function buildScrapeTargets" },
      { kind: "component", file: `${DIR}/rules.ts`, symbol: "export function buildAlertRules" },
      { kind: "config", file: "config/schema.ts", symbol: "is required when the stack holds the platform" },
    ],
    provenBy: [
      { file: "test/program.test.ts", test: "CLU-06 has Prometheus pick up the Falco, Gatekeeper, Istio and Vault monitors of the prod stack" },
      test("monitoring.test.ts", "CLU-06 installs the pinned kube-prometheus-stack into a restricted monitoring namespace"),
      test("monitoring.test.ts", "CLU-06 declares the Istio and Vault monitors and the security rules after the chart's CRDs"),
      test("values.test.ts", "CLU-06 selects every ServiceMonitor, PodMonitor and PrometheusRule outside tenant namespaces"),
      test("targets.test.ts", "CLU-06 declares exactly the Istio and Vault monitors, each in its namespace with its port"),
      test("targets.test.ts", "CLU-06 scrapes istiod on its http-monitoring Service port 15014"),
      test(
        "targets.test.ts",
        "CLU-06 scrapes every gateway and sidecar once, on pilot-agent's merged metrics at 15020 /stats/prometheus",
      ),
      test("targets.test.ts", "CLU-06 scrapes the active Vault server over TLS on 8200, verified against the internal CA"),
      test("rules.test.ts", "CLU-06 pages on every Falco event of critical priority or above"),
      test("rules.test.ts", "CLU-06 routes WARNING and ERROR detections to the operator too, not only critical ones"),
      { file: "config/config.test.ts", test: "CLU-06 refuses a platform stack whose detections and alerts would reach no one" },
      { file: "test/program.test.ts", test: "CLU-06 sends the prod stack's detections to its alert webhook, WARNING and up, from falcosidekick and Alertmanager" },
      test("rules.test.ts", "CLU-06 warns when Gatekeeper's audit finds more violations of any enforcement action"),
      test("rules.test.ts", "CLU-06 alerts when Falco, Vault, Istio or Gatekeeper has no healthy scrape target"),
    ],
    limitations: [
      "Vault answers /v1/sys/metrics only once its server HCL has a telemetry stanza and unauthenticated_metrics_access on the listener (docs/decisions/monitoring.md); until then the Vault target is down and SecurityMetricsMissing fires.",
    ],
  },
];
