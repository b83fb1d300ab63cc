/**
 * CLU-06 alerts this component owns: Falco's critical detections, a rise in Gatekeeper audit
 * violations, and the loss of a security component's scrape targets. Metric names are verified
 * against the upstream source (docs/decisions/monitoring.md lists where); availability of Falco's
 * DaemonSet and Gatekeeper's webhook is alerted by those components' own rules.
 */
import { GATEKEEPER_NAMESPACE } from "../admission/defaults";
import { ISTIO_NAMESPACE } from "../mesh/identities";
import { standardLabels } from "../shared/labels";
import { FALCO_NAMESPACE } from "../runtime/defaults";
import { VAULT_NAMESPACE, VAULT_RELEASE } from "../vault/defaults";
import { MONITORING_LABELS, MONITORING_NAMESPACE } from "./defaults";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "critical" | "warning"; [key: string]: string };
  annotations: { summary: string };
}

export interface PrometheusRuleObject {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "PrometheusRule";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { groups: { name: string; rules: AlertRule[] }[] };
}

/**
 * falcosidekick counts every event it receives in falcosecurity_falcosidekick_falco_events_total;
 * `priority_raw` is the lower-cased Falco priority (`priority` is its number).
 */
export const FALCO_EVENTS_METRIC = "falcosecurity_falcosidekick_falco_events_total";
export const FALCO_CRITICAL_PRIORITIES = ["critical", "alert", "emergency"] as const;

/** Gatekeeper's audit gauge, one series per enforcement_action (deny, dryrun, warn). */
export const GATEKEEPER_VIOLATIONS_METRIC = "gatekeeper_violations";

/** The namespaces whose scrape targets CLU-06 requires, by component. */
export const SECURITY_TARGET_NAMESPACES: Readonly<Record<"falco" | "vault" | "istio" | "gatekeeper", string>> = {
  falco: FALCO_NAMESPACE,
  vault: VAULT_NAMESPACE,
  istio: ISTIO_NAMESPACE,
  gatekeeper: GATEKEEPER_NAMESPACE,
};

export function falcoCriticalEventRule(): AlertRule {
  const priorities = FALCO_CRITICAL_PRIORITIES.join("|");
  return {
    alert: "FalcoCriticalEvent",
    expr: `sum by (rule, hostname, k8s_ns_name, k8s_pod_name) (increase(${FALCO_EVENTS_METRIC}{priority_raw=~"${priorities}"}[5m])) > 0`,
    for: "0m",
    labels: { severity: "critical" },
    annotations: {
      summary: "Falco rule {{ $labels.rule }} fired at critical priority or above on {{ $labels.hostname }} ({{ $labels.k8s_ns_name }}/{{ $labels.k8s_pod_name }}).",
    },
  };
}

/** The rest of the seed's detections: RUN-01 is WARNING, RUN-05 and RUN-07 ERROR. */
export const FALCO_DETECTION_PRIORITIES = ["warning", "error"] as const;

/**
 * WARNING and ERROR detections reach the operator through Alertmanager too, not only through
 * falcosidekick's webhook: a shell in an agent or egress on a forbidden port is worth a look.
 */
export function falcoDetectionRule(): AlertRule {
  const priorities = FALCO_DETECTION_PRIORITIES.join("|");
  return {
    alert: "FalcoDetection",
    expr: `sum by (rule, priority_raw, hostname, k8s_ns_name, k8s_pod_name) (increase(${FALCO_EVENTS_METRIC}{priority_raw=~"${priorities}"}[5m])) > 0`,
    for: "0m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Falco rule {{ $labels.rule }} fired at {{ $labels.priority_raw }} on {{ $labels.hostname }} ({{ $labels.k8s_ns_name }}/{{ $labels.k8s_pod_name }}).",
    },
  };
}

/**
 * New audit findings of any enforcement action. Standing deny violations already alert from the
 * admission component (GatekeeperDenyViolationsInCluster); this catches drift in warn and dryrun
 * constraints too, the ones admission lets through.
 */
export function gatekeeperViolationsRule(): AlertRule {
  const current = `sum by (enforcement_action) (${GATEKEEPER_VIOLATIONS_METRIC})`;
  return {
    alert: "GatekeeperAuditViolationsIncreased",
    expr: `${current} - sum by (enforcement_action) (${GATEKEEPER_VIOLATIONS_METRIC} offset 1h) > 0`,
    for: "15m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Gatekeeper audit finds {{ $value }} more {{ $labels.enforcement_action }} violations than an hour ago.",
    },
  };
}

/** The Vault chart names each server's audit claim `audit-<release>-<ordinal>`. */
export const VAULT_AUDIT_CLAIMS = `audit-${VAULT_RELEASE}-[0-9]+`;

/**
 * The audit volume holds the file audit device; it grows with every request and nothing rotates
 * it. Before it fills, someone must archive and truncate the log (stdout keeps Vault serving).
 */
export function vaultAuditVolumeRule(): AlertRule {
  const claims = `namespace="${VAULT_NAMESPACE}", persistentvolumeclaim=~"${VAULT_AUDIT_CLAIMS}"`;
  return {
    alert: "VaultAuditVolumeFillingUp",
    expr: `kubelet_volume_stats_available_bytes{${claims}} / kubelet_volume_stats_capacity_bytes{${claims}} < 0.2`,
    for: "10m",
    labels: { severity: "critical" },
    annotations: {
      summary: "Vault audit volume {{ $labels.persistentvolumeclaim }} has less than 20% free: archive and truncate the audit log.",
    },
  };
}

/** No healthy scrape target left in a security component's namespace: CLU-06 coverage is gone. */
export function targetsDownRule(component: keyof typeof SECURITY_TARGET_NAMESPACES): AlertRule {
  const namespace = SECURITY_TARGET_NAMESPACES[component];
  return {
    alert: "SecurityMetricsMissing",
    expr: `absent(up{namespace="${namespace}"} == 1)`,
    for: "10m",
    labels: { severity: "critical", component },
    annotations: { summary: `Prometheus has no healthy scrape target in namespace ${namespace} (${component}).` },
  };
}

/** Envoy's counter of requests its local rate limit refused, tagged with the filter's stat prefix. */
export const RATE_LIMITED_METRIC = "envoy_http_local_rate_limit_rate_limited";

/**
 * SEC-09: a tenant's egress proxy refused provider calls over its plan's budget (429 to the
 * agent). Per namespace, so the alert names the tenant; the counter never carries the key.
 */
export function providerBudgetRule(): AlertRule {
  return {
    alert: "ProviderBudgetExhausted",
    expr: `sum by (namespace) (increase(${RATE_LIMITED_METRIC}{envoy_local_http_ratelimit_prefix="provider"}[5m])) > 0`,
    for: "0m",
    labels: { severity: "warning", component: "tenant" },
    annotations: { summary: "Tenant {{ $labels.namespace }} hit its provider call budget: its egress proxy refused {{ $value }} calls in 5 minutes." },
  };
}

export function buildAlertRules(labels: Record<string, string> = MONITORING_LABELS): PrometheusRuleObject {
  const name = "agent-platform-security";
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name, namespace: MONITORING_NAMESPACE, labels: { ...standardLabels(name, "monitoring"), ...labels } },
    spec: {
      groups: [
        { name: "security-events", rules: [falcoCriticalEventRule(), falcoDetectionRule(), gatekeeperViolationsRule()] },
        { name: "vault-audit", rules: [vaultAuditVolumeRule()] },
        { name: "tenant-budgets", rules: [providerBudgetRule()] },
        {
          name: "security-scrape-coverage",
          rules: (Object.keys(SECURITY_TARGET_NAMESPACES) as (keyof typeof SECURITY_TARGET_NAMESPACES)[]).map(targetsDownRule),
        },
      ],
    },
  };
}
