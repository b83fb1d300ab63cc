/**
 * Monitoring's NetworkPolicies (CLU-06): Prometheus reaches exactly the targets it scrapes, the
 * chart's own included (API server, kubelets, CoreDNS, operator, kube-state-metrics, itself and
 * Alertmanager), and nothing else reaches into the namespace but the API server's webhook calls.
 * Pod labels: the Prometheus Operator's for Prometheus and Alertmanager, kube-prometheus-stack's for
 * the rest (test/network/chartWorkloads.ts).
 */
import { GATEKEEPER_METRICS_PORT } from "../admission/monitoring";
import { GATEKEEPER_NAMESPACE } from "../admission/defaults";
import { GATEWAY_SELECTOR } from "../mesh/defaults";
import { AGENT_WORKLOAD_LABELS, INGRESS_NAMESPACE, ISTIOD_SELECTOR, ISTIO_NAMESPACE, PLATFORM_API_NAMESPACE } from "../mesh/identities";
import { PLATFORM_API_SELECTOR } from "../mesh/platformApi";
import { COREDNS_METRICS_PORT } from "../network/kubeSystem";
import {
  ClusterNetwork,
  EgressRule,
  KUBE_DNS_LABELS,
  KUBE_SYSTEM,
  NetworkPolicyManifest,
  cidrs,
  fromApiServer,
  matching,
  podsHere,
  podsIn,
  tcp,
  tenantPods,
  toApiServer,
  toPublicHttps,
  udp,
  workloadPolicy,
} from "../network/policy";
import { FALCO_METRICS_PORT, FALCO_NAMESPACE, MONITOR_METRICS_PORT, SIDEKICK_PORT } from "../runtime/defaults";
import { FALCO_POD_LABELS, GVISOR_MONITOR_POD_LABELS, SIDEKICK_POD_LABELS } from "../runtime/network";
import { GATEKEEPER_AUDIT_LABELS, GATEKEEPER_WEBHOOK_LABELS } from "../admission/network";
import { SERVER_POD_LABELS } from "../vault/server";
import { VAULT_NAMESPACE } from "../vault/defaults";
import { EGRESS_PROXY_METRICS_PORT } from "../tenant/defaults";
import { EGRESS_PROXY_LABELS } from "../tenant/network";
import {
  ALERTMANAGER_POD_LABELS,
  ISTIOD_MONITORING_PORT,
  ISTIO_MERGED_METRICS_PORT,
  MONITORING_NAMESPACE,
  PROMETHEUS_POD_LABELS,
  VAULT_API_PORT,
} from "./defaults";

/** Prometheus's web port, and the config reloader's metrics beside Prometheus and Alertmanager. */
export const PROMETHEUS_PORT = 9090;
export const RELOADER_PORT = 8080;
export const ALERTMANAGER_PORT = 9093;
/** Alertmanager replicas gossip on this port, over TCP and UDP. */
export const ALERTMANAGER_CLUSTER_PORT = 9094;
/** The operator serves its admission webhook and its metrics over TLS here (tls.internalPort). */
export const OPERATOR_PORT = 10250;
export const KUBE_STATE_METRICS_PORT = 8080;
/** The kubelets' port: metrics, cAdvisor and probe metrics (the chart's kubelet ServiceMonitor). */
export const KUBELET_PORT = 10250;

export const OPERATOR_POD_LABELS = { app: "kube-prometheus-stack-operator", release: "kube-prometheus-stack" } as const;
export const KUBE_STATE_METRICS_POD_LABELS = {
  "app.kubernetes.io/name": "kube-state-metrics",
  "app.kubernetes.io/instance": "kube-prometheus-stack",
} as const;
/** The chart's pre-install Jobs that create the webhook certificate and patch it into the webhooks. */
export const ADMISSION_JOB_APPS = ["kube-prometheus-stack-admission-create", "kube-prometheus-stack-admission-patch"] as const;

const prometheus = podsHere(PROMETHEUS_POD_LABELS);

/** Every scrape target, by the pods the monitors select and the port they read. */
function scrapes(network: ClusterNetwork): EgressRule[] {
  return [
    { to: [podsIn(FALCO_NAMESPACE, FALCO_POD_LABELS)], ports: tcp(FALCO_METRICS_PORT) },
    { to: [podsIn(FALCO_NAMESPACE, SIDEKICK_POD_LABELS)], ports: tcp(SIDEKICK_PORT) },
    { to: [podsIn(FALCO_NAMESPACE, GVISOR_MONITOR_POD_LABELS)], ports: tcp(MONITOR_METRICS_PORT) },
    { to: [podsIn(ISTIO_NAMESPACE, ISTIOD_SELECTOR)], ports: tcp(ISTIOD_MONITORING_PORT) },
    // Every sidecar's and the gateway's pilot-agent, agents' included (counters, not the agent).
    {
      to: [podsIn(PLATFORM_API_NAMESPACE, PLATFORM_API_SELECTOR), podsIn(INGRESS_NAMESPACE, GATEWAY_SELECTOR), tenantPods(AGENT_WORKLOAD_LABELS)],
      ports: tcp(ISTIO_MERGED_METRICS_PORT),
    },
    // Each tenant's egress proxy: its counters, the provider budget among them (SEC-09).
    { to: [tenantPods(EGRESS_PROXY_LABELS)], ports: tcp(EGRESS_PROXY_METRICS_PORT) },
    { to: [podsIn(VAULT_NAMESPACE, SERVER_POD_LABELS)], ports: tcp(VAULT_API_PORT) },
    { to: [podsIn(GATEKEEPER_NAMESPACE, GATEKEEPER_WEBHOOK_LABELS), podsIn(GATEKEEPER_NAMESPACE, GATEKEEPER_AUDIT_LABELS)], ports: tcp(GATEKEEPER_METRICS_PORT) },
    { to: [podsIn(KUBE_SYSTEM, KUBE_DNS_LABELS)], ports: tcp(COREDNS_METRICS_PORT) },
    { to: [podsHere(KUBE_STATE_METRICS_POD_LABELS)], ports: tcp(KUBE_STATE_METRICS_PORT) },
    { to: [podsHere(OPERATOR_POD_LABELS)], ports: tcp(OPERATOR_PORT) },
    { to: [podsHere(ALERTMANAGER_POD_LABELS)], ports: tcp(ALERTMANAGER_PORT, RELOADER_PORT) },
    // Each replica scrapes both replicas of itself.
    { to: [prometheus], ports: tcp(PROMETHEUS_PORT, RELOADER_PORT) },
    // The apiserver job scrapes the `kubernetes` endpoints (the ENIs) directly; kubelets on every node.
    { to: cidrs(network.nodeCidrs), ports: tcp(443, KUBELET_PORT) },
  ];
}

export function buildMonitoringPolicies(network: ClusterNetwork, options: { alertWebhook: boolean }): NetworkPolicyManifest[] {
  const ns = MONITORING_NAMESPACE;
  const alertmanager = podsHere(ALERTMANAGER_POD_LABELS);
  return [
    workloadPolicy(ns, "prometheus", matching(PROMETHEUS_POD_LABELS), {
      ingress: [{ from: [prometheus], ports: tcp(PROMETHEUS_PORT, RELOADER_PORT) }],
      // Service discovery through the API server, the scrapes, and alerts to Alertmanager.
      egress: [toApiServer(network), ...scrapes(network)],
    }),
    workloadPolicy(ns, "alertmanager", matching(ALERTMANAGER_POD_LABELS), {
      ingress: [
        { from: [prometheus], ports: tcp(ALERTMANAGER_PORT, RELOADER_PORT) },
        { from: [alertmanager], ports: [...tcp(ALERTMANAGER_CLUSTER_PORT), ...udp(ALERTMANAGER_CLUSTER_PORT)] },
      ],
      egress: [
        { to: [alertmanager], ports: [...tcp(ALERTMANAGER_CLUSTER_PORT), ...udp(ALERTMANAGER_CLUSTER_PORT)] },
        // The operator's alert webhook (Slack or any HTTPS receiver).
        ...(options.alertWebhook ? [toPublicHttps] : []),
      ],
    }),
    workloadPolicy(ns, "prometheus-operator", matching(OPERATOR_POD_LABELS), {
      // The API server validates PrometheusRules through the operator's webhook.
      ingress: [fromApiServer(network, OPERATOR_PORT), { from: [prometheus], ports: tcp(OPERATOR_PORT) }],
      egress: [toApiServer(network)],
    }),
    workloadPolicy(ns, "kube-state-metrics", matching(KUBE_STATE_METRICS_POD_LABELS), {
      ingress: [{ from: [prometheus], ports: tcp(KUBE_STATE_METRICS_PORT) }],
      egress: [toApiServer(network)],
    }),
    workloadPolicy(ns, "admission-webhook-jobs", { matchExpressions: [{ key: "app", operator: "In", values: [...ADMISSION_JOB_APPS] }] }, {
      egress: [toApiServer(network)],
    }),
  ];
}
