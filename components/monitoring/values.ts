/**
 * kube-prometheus-stack values (chart 91.x key names), as pure functions of the arguments: the
 * Prometheus selectors that pick up the other components' monitors, storage, spread, and an
 * Alertmanager whose webhook URL is read from a mounted Secret, never from the values.
 */
import { mergeValues } from "../shared/values";
import {
  ALERTMANAGER_RESOURCES,
  CONFIG_RELOADER_RESOURCES,
  KUBE_STATE_METRICS_RESOURCES,
  OPERATOR_RESOURCES,
  WEBHOOK_PATCH_RESOURCES,
  ALERTMANAGER_SECRETS_DIR,
  DEFAULT_ALERTMANAGER_STORAGE,
  DEFAULT_PROMETHEUS_STORAGE,
  DEFAULT_REPLICAS,
  DEFAULT_RETENTION,
  DEFAULT_RETENTION_SIZE,
  DEFAULT_STORAGE_CLASS,
  NOT_A_TENANT_NAMESPACE,
  PROMETHEUS_RESOURCES,
  ResourceRequirements,
} from "./defaults";

export type AlertWebhookKind = "slack" | "webhook";

/** An existing Secret in the monitoring namespace holding the alert webhook URL under `key`. */
export interface AlertWebhookSecret {
  name: string;
  key: string;
  /** "slack": Slack incoming-webhook messages; "webhook": Alertmanager's JSON payload. @default "slack" */
  kind?: AlertWebhookKind;
}

interface VolumeClaimTemplate {
  volumeClaimTemplate: {
    spec: { storageClassName: string; accessModes: string[]; resources: { requests: { storage: string } } };
  };
}

interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  labelSelector: { matchLabels: Record<string, string> };
}

type Selector = typeof NOT_A_TENANT_NAMESPACE;

/** The chart values this component sets; other keys pass through. */
export interface KubePrometheusStackValues {
  crds?: { enabled?: boolean; [key: string]: unknown };
  grafana?: { enabled?: boolean; [key: string]: unknown };
  nodeExporter?: { enabled?: boolean; [key: string]: unknown };
  kubeStateMetrics?: { enabled?: boolean; [key: string]: unknown };
  "kube-state-metrics"?: { resources?: ResourceRequirements; [key: string]: unknown };
  prometheusOperator?: {
    resources?: ResourceRequirements;
    admissionWebhooks?: { patch?: { resources?: ResourceRequirements; [key: string]: unknown }; [key: string]: unknown };
    prometheusConfigReloader?: { resources?: ResourceRequirements; [key: string]: unknown };
    [key: string]: unknown;
  };
  kubeControllerManager?: { enabled?: boolean; [key: string]: unknown };
  kubeScheduler?: { enabled?: boolean; [key: string]: unknown };
  kubeEtcd?: { enabled?: boolean; [key: string]: unknown };
  kubeProxy?: { enabled?: boolean; [key: string]: unknown };
  defaultRules?: { create?: boolean; rules?: Record<string, boolean>; [key: string]: unknown };
  prometheus?: {
    prometheusSpec?: {
      replicas?: number;
      serviceMonitorSelectorNilUsesHelmValues?: boolean;
      podMonitorSelectorNilUsesHelmValues?: boolean;
      ruleSelectorNilUsesHelmValues?: boolean;
      probeSelectorNilUsesHelmValues?: boolean;
      serviceMonitorNamespaceSelector?: Selector;
      podMonitorNamespaceSelector?: Selector;
      ruleNamespaceSelector?: Selector;
      probeNamespaceSelector?: Selector;
      retention?: string;
      retentionSize?: string;
      storageSpec?: VolumeClaimTemplate;
      resources?: ResourceRequirements;
      topologySpreadConstraints?: SpreadConstraint[];
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  alertmanager?: {
    enabled?: boolean;
    config?: AlertmanagerConfig;
    alertmanagerSpec?: {
      replicas?: number;
      secrets?: string[];
      storage?: VolumeClaimTemplate;
      resources?: ResourceRequirements;
      topologySpreadConstraints?: SpreadConstraint[];
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface AlertmanagerReceiver {
  name: string;
  slack_configs?: { api_url_file: string; send_resolved: boolean }[];
  webhook_configs?: { url_file: string; send_resolved: boolean }[];
}

export interface AlertmanagerConfig {
  route: {
    receiver: string;
    group_by: string[];
    group_wait: string;
    group_interval: string;
    repeat_interval: string;
    routes: { receiver: string; matchers: string[] }[];
  };
  receivers: AlertmanagerReceiver[];
}

export interface PrometheusValuesInput {
  /** @default "gp3-encrypted" */
  storageClassName?: string;
  /** @default "15d" */
  retention?: string;
  /** @default "50Gi" */
  storageSize?: string;
  /** @default 2 */
  replicas?: number;
  /** @default PROMETHEUS_RESOURCES */
  resources?: ResourceRequirements;
  /** @default undefined (alerts stay in Alertmanager, no external receiver) */
  alertWebhook?: AlertWebhookSecret;
  /** @default {} */
  overrides?: KubePrometheusStackValues;
}

export const PLATFORM_RECEIVER = "platform";
const NULL_RECEIVER = "null";

/** The file Alertmanager reads the webhook URL from: the operator mounts each listed Secret there. */
export function alertWebhookFile(secret: AlertWebhookSecret): string {
  return `${ALERTMANAGER_SECRETS_DIR}/${secret.name}/${secret.key}`;
}

/**
 * Alertmanager's configuration: every alert goes to the platform receiver, except the chart's
 * always-firing Watchdog and InfoInhibitor. The URL is a file path (`api_url_file` / `url_file`),
 * so neither the values nor the rendered config Secret ever contain it.
 */
export function buildAlertmanagerConfig(webhook?: AlertWebhookSecret): AlertmanagerConfig {
  const receivers: AlertmanagerReceiver[] = [{ name: NULL_RECEIVER }];
  if (webhook) {
    const file = alertWebhookFile(webhook);
    receivers.push(
      (webhook.kind ?? "slack") === "slack"
        ? { name: PLATFORM_RECEIVER, slack_configs: [{ api_url_file: file, send_resolved: true }] }
        : { name: PLATFORM_RECEIVER, webhook_configs: [{ url_file: file, send_resolved: true }] },
    );
  }
  return {
    route: {
      receiver: webhook ? PLATFORM_RECEIVER : NULL_RECEIVER,
      group_by: ["alertname", "namespace"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        { receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] },
        { receiver: NULL_RECEIVER, matchers: ['alertname = "InfoInhibitor"'] },
      ],
    },
    receivers,
  };
}

/** One replica per zone at most one apart; EBS volumes are zonal, so pods stay with their data. */
export function zoneSpread(appName: string): SpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: { matchLabels: { "app.kubernetes.io/name": appName } },
    },
  ];
}

function volume(storageClassName: string, size: string): VolumeClaimTemplate {
  return {
    volumeClaimTemplate: {
      spec: { storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
    },
  };
}

/**
 * EKS runs etcd, the scheduler and the controller manager out of reach and binds kube-proxy's
 * metrics to localhost; node-exporter is off (see docs/decisions/monitoring.md). Their scrape
 * jobs and rules would only ever alert on missing targets.
 */
const RULES_WITHOUT_TARGETS = [
  "etcd",
  "kubeControllerManager",
  "kubeSchedulerAlerting",
  "kubeSchedulerRecording",
  "kubeProxy",
  "node",
  "nodeExporterAlerting",
  "nodeExporterRecording",
  "kubePrometheusNodeRecording",
  "network",
] as const;

/** The chart values: Prometheus, Alertmanager and kube-state-metrics; no Grafana, no node-exporter. */
export function buildPrometheusValues(input: PrometheusValuesInput = {}): KubePrometheusStackValues {
  const storageClass = input.storageClassName ?? DEFAULT_STORAGE_CLASS;
  const replicas = input.replicas ?? DEFAULT_REPLICAS;
  const base: KubePrometheusStackValues = {
    crds: { enabled: true },
    // Off: the chart's Grafana starts with a generated admin password in a Secret and an
    // unauthenticated-by-default sidecar; dashboards are not part of CLU-06.
    grafana: { enabled: false },
    // Off: it needs hostNetwork, hostPID and hostPath, which would force the namespace to
    // "privileged"; without it the namespace enforces "restricted".
    nodeExporter: { enabled: false },
    // The Falco and Gatekeeper availability rules read kube_daemonset_* / kube_deployment_*.
    kubeStateMetrics: { enabled: true },
    // ADM-03: every container of the chart, and those the operator adds to Prometheus and
    // Alertmanager (config reloaders; the chart's default limit 0 means none), has limits.
    "kube-state-metrics": { resources: KUBE_STATE_METRICS_RESOURCES },
    prometheusOperator: {
      resources: OPERATOR_RESOURCES,
      admissionWebhooks: { patch: { resources: WEBHOOK_PATCH_RESOURCES } },
      prometheusConfigReloader: { resources: CONFIG_RELOADER_RESOURCES },
    },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    defaultRules: { create: true, rules: Object.fromEntries(RULES_WITHOUT_TARGETS.map((r) => [r, false])) },
    prometheus: {
      prometheusSpec: {
        replicas,
        // Empty selectors then select every monitor and rule, not only `release: <name>` ones:
        // Falco's chart, Gatekeeper's PodMonitor and this component's own all load.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        serviceMonitorNamespaceSelector: NOT_A_TENANT_NAMESPACE,
        podMonitorNamespaceSelector: NOT_A_TENANT_NAMESPACE,
        ruleNamespaceSelector: NOT_A_TENANT_NAMESPACE,
        probeNamespaceSelector: NOT_A_TENANT_NAMESPACE,
        retention: input.retention ?? DEFAULT_RETENTION,
        retentionSize: DEFAULT_RETENTION_SIZE,
        storageSpec: volume(storageClass, input.storageSize ?? DEFAULT_PROMETHEUS_STORAGE),
        resources: input.resources ?? PROMETHEUS_RESOURCES,
        topologySpreadConstraints: zoneSpread("prometheus"),
      },
    },
    alertmanager: {
      enabled: true,
      config: buildAlertmanagerConfig(input.alertWebhook),
      alertmanagerSpec: {
        replicas,
        ...(input.alertWebhook ? { secrets: [input.alertWebhook.name] } : {}),
        storage: volume(storageClass, DEFAULT_ALERTMANAGER_STORAGE),
        resources: ALERTMANAGER_RESOURCES,
        topologySpreadConstraints: zoneSpread("alertmanager"),
      },
    },
  };
  return mergeValues(base, input.overrides);
}
