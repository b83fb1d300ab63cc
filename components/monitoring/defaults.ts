/**
 * Every pinned version and default of the monitoring component (CLU-06), so that the component,
 * its tests, the composition and docs/decisions/monitoring.md agree on one value.
 */
import { TENANT_LABEL } from "../mesh/identities";

/**
 * kube-prometheus-stack 91.5.0, the newest release found (renovate PR ocf/kubernetes#166,
 * 2026-09-13, "update kube-prometheus-stack to 91.5.0"; 91.4.1 in AndreiGavriliu/homelab#7317).
 * Major upgrades need the chart README's manual CRD steps.
 */
export const KUBE_PROMETHEUS_STACK_CHART = {
  chart: "kube-prometheus-stack",
  version: "91.5.0",
  repo: "https://prometheus-community.github.io/helm-charts",
} as const;

export const MONITORING_NAMESPACE = "monitoring";
/** Helm release name; the chart derives its object names (e.g. `kube-prometheus-stack-prometheus`) from it. */
export const MONITORING_RELEASE = "kube-prometheus-stack";

/**
 * Labels every platform ServiceMonitor, PodMonitor and PrometheusRule carries: pass them as
 * `monitoringLabels` to Gatekeeper and Falco. Selection does not depend on them (the selectors
 * are empty, see prometheusSelectors), they say which monitors belong to the platform.
 */
export const MONITORING_LABELS: Readonly<Record<string, string>> = { "agent-platform.io/monitoring": "platform" };

/**
 * Monitors and rules are read from every namespace except tenant namespaces: whatever a tenant
 * could declare there never changes what Prometheus scrapes or alerts on.
 */
export const NOT_A_TENANT_NAMESPACE = { matchExpressions: [{ key: TENANT_LABEL, operator: "DoesNotExist" }] };

export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";
export const DEFAULT_RETENTION = "15d";
export const DEFAULT_PROMETHEUS_STORAGE = "50Gi";
/** Below the volume size, so Prometheus drops old blocks before the disk fills. */
export const DEFAULT_RETENTION_SIZE = "45GB";
export const DEFAULT_ALERTMANAGER_STORAGE = "5Gi";
/** Two of each, one per zone: a zone outage loses neither scraping nor alert delivery. */
export const DEFAULT_REPLICAS = 2;

export interface ResourceRequirements {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export const PROMETHEUS_RESOURCES: ResourceRequirements = {
  requests: { cpu: "500m", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};
export const ALERTMANAGER_RESOURCES: ResourceRequirements = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** Where the Prometheus Operator mounts `alertmanagerSpec.secrets` entries in Alertmanager pods. */
export const ALERTMANAGER_SECRETS_DIR = "/etc/alertmanager/secrets";

/** istiod's `http-monitoring` Service port (istio-discovery chart, Service `istiod`). */
export const ISTIOD_MONITORING_PORT = 15014;
/** pilot-agent's merged-metrics port on every sidecar and gateway pod; excluded from inbound capture. */
export const ISTIO_MERGED_METRICS_PORT = 15020;
export const VAULT_API_PORT = 8200;

/** Pod labels the Prometheus Operator gives the Prometheus and Alertmanager pods it runs. */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus" } as const;
export const ALERTMANAGER_POD_LABELS = { "app.kubernetes.io/name": "alertmanager" } as const;

/** ADM-03 for the chart's own workloads: each gets limits its upstream defaults leave out. */
export const OPERATOR_RESOURCES: ResourceRequirements = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
export const KUBE_STATE_METRICS_RESOURCES: ResourceRequirements = { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
export const WEBHOOK_PATCH_RESOURCES: ResourceRequirements = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } };
export const CONFIG_RELOADER_RESOURCES: ResourceRequirements = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } };
