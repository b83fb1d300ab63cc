/** The monitoring component and what the composition passes to other components. */
export { Monitoring } from "./monitoring";
export { ALERT_WEBHOOK_KEY } from "../shared/secrets";
export type { MonitoringArgs } from "./monitoring";
export { KUBE_PROMETHEUS_STACK_CHART, MONITORING_LABELS, MONITORING_NAMESPACE } from "./defaults";
export { buildPrometheusValues, buildAlertmanagerConfig } from "./values";
export { buildScrapeTargets } from "./targets";
export { buildAlertRules } from "./rules";
