/**
 * CLU-06: the scrape targets this component declares itself. Falco (its chart's ServiceMonitors)
 * and Gatekeeper (its PodMonitor) declare their own when given `prometheusOperator: true`;
 * Istio and Vault are covered here.
 *
 * The mesh-wide deny-all AuthorizationPolicy does not stand in the way: sidecar injection
 * excludes 15020 (and 15090, 15021) from inbound capture (`istio-iptables -d 15090,15021,15020`),
 * so pilot-agent answers Prometheus directly and no Envoy RBAC filter sees the request; agent pods
 * run without capture at all. istiod and Vault carry no sidecar. No ALLOW policy is needed.
 */
import { TENANT_NAMESPACE_PREFIX } from "../../config/defaults";
import { ISTIO_NAMESPACE } from "../mesh/identities";
import { EGRESS_PROXY_METRICS_PORT } from "../tenant/defaults";
import { EGRESS_PROXY_LABELS } from "../tenant/network";
import { standardLabels } from "../shared/labels";
import { VAULT_NAMESPACE, VAULT_RELEASE, VAULT_TLS_SECRET } from "../vault/defaults";
import { ISTIOD_MONITORING_PORT, ISTIO_MERGED_METRICS_PORT, MONITORING_LABELS, MONITORING_NAMESPACE, VAULT_API_PORT } from "./defaults";

const API_VERSION = "monitoring.coreos.com/v1";
const INTERVAL = "30s";

export interface Relabeling {
  action?: "keep" | "drop" | "replace";
  sourceLabels?: string[];
  regex?: string;
  replacement?: string;
  targetLabel?: string;
}

export interface SafeTlsConfig {
  ca: { secret: { name: string; key: string } };
  serverName: string;
}

export interface Endpoint {
  port?: string;
  path?: string;
  scheme?: "http" | "https";
  params?: Record<string, string[]>;
  interval: string;
  tlsConfig?: SafeTlsConfig;
  relabelings?: Relabeling[];
}

export interface MonitorObject {
  apiVersion: string;
  kind: "ServiceMonitor" | "PodMonitor";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string }[] };
    namespaceSelector: { matchNames?: string[]; any?: boolean };
    jobLabel?: string;
    endpoints?: Endpoint[];
    podMetricsEndpoints?: Endpoint[];
  };
}

/** A scrape target with the suffix of its Pulumi resource name and the port Prometheus reaches. */
export interface ScrapeTarget {
  suffix: string;
  /** The component the target covers (CLU-06 names Falco, Vault, Istio and Gatekeeper). */
  covers: "istio" | "vault" | "tenant";
  port: number;
  object: MonitorObject;
}

function monitor(kind: MonitorObject["kind"], name: string, namespace: string, spec: MonitorObject["spec"]): MonitorObject {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: { name, namespace, labels: { ...standardLabels(name, "monitoring"), ...MONITORING_LABELS } },
    spec,
  };
}

/** istiod's own metrics (xDS pushes, injection, certificate signing) on the istiod Service. */
export function buildIstiodMonitor(): ScrapeTarget {
  return {
    suffix: "istiod-monitor",
    covers: "istio",
    port: ISTIOD_MONITORING_PORT,
    object: monitor("ServiceMonitor", "istiod", MONITORING_NAMESPACE, {
      selector: { matchLabels: { app: "istiod", istio: "pilot" } },
      namespaceSelector: { matchNames: [ISTIO_NAMESPACE] },
      endpoints: [{ port: "http-monitoring", interval: INTERVAL }],
    }),
  };
}

/**
 * Every Envoy in the mesh, gateways and agent sidecars included, through pilot-agent's merged
 * metrics on 15020. Targets are found by the `http-envoy-prom` port the injector declares on the
 * istio-proxy container and re-pointed at 15020, so each pod is scraped once.
 */
export function buildIstioProxyMonitor(): ScrapeTarget {
  return {
    suffix: "istio-proxy-monitor",
    covers: "istio",
    port: ISTIO_MERGED_METRICS_PORT,
    object: monitor("PodMonitor", "istio-proxies", MONITORING_NAMESPACE, {
      selector: { matchExpressions: [{ key: "istio-prometheus-ignore", operator: "DoesNotExist" }] },
      namespaceSelector: { any: true },
      jobLabel: "envoy-stats",
      podMetricsEndpoints: [
        {
          path: "/stats/prometheus",
          interval: INTERVAL,
          relabelings: [
            { action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_name"], regex: "istio-proxy" },
            { action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_port_name"], regex: "http-envoy-prom" },
            {
              action: "replace",
              sourceLabels: ["__address__"],
              regex: "([^:]+)(?::\\d+)?",
              replacement: `$1:${ISTIO_MERGED_METRICS_PORT}`,
              targetLabel: "__address__",
            },
          ],
        },
      ],
    }),
  };
}

/**
 * Vault's telemetry from the active server (the pod Vault itself labels `vault-active=true`
 * through service_registration "kubernetes"), as the vault-helm chart's own monitor does:
 * HTTPS on 8200, verified against the internal CA with the `vault-active` Service name. The
 * monitor lives in namespace vault because the operator reads the CA Secret from the monitor's
 * namespace; only its `ca.crt` key is read. Needs the server HCL changes listed in
 * docs/decisions/monitoring.md (telemetry stanza, unauthenticated_metrics_access).
 */
export function buildVaultMonitor(): ScrapeTarget {
  return {
    suffix: "vault-monitor",
    covers: "vault",
    port: VAULT_API_PORT,
    object: monitor("PodMonitor", "vault", VAULT_NAMESPACE, {
      selector: {
        matchLabels: {
          "app.kubernetes.io/name": "vault",
          "app.kubernetes.io/instance": VAULT_RELEASE,
          component: "server",
          "vault-active": "true",
        },
      },
      namespaceSelector: { matchNames: [VAULT_NAMESPACE] },
      podMetricsEndpoints: [
        {
          port: "https",
          scheme: "https",
          path: "/v1/sys/metrics",
          params: { format: ["prometheus"] },
          interval: INTERVAL,
          tlsConfig: {
            ca: { secret: { name: VAULT_TLS_SECRET, key: "ca.crt" } },
            serverName: `${VAULT_RELEASE}-active.${VAULT_NAMESPACE}.svc`,
          },
        },
      ],
    }),
  };
}

/**
 * SEC-09: every tenant's egress proxy, on the one admin path its metrics listener serves; the
 * provider budget's counters (`<prefix>.http_local_rate_limit.*`) feed ProviderBudgetExhausted.
 */
export function buildEgressProxyMonitor(): ScrapeTarget {
  return {
    suffix: "egress-proxy-monitor",
    covers: "tenant",
    port: EGRESS_PROXY_METRICS_PORT,
    object: monitor("PodMonitor", "tenant-egress-proxies", MONITORING_NAMESPACE, {
      selector: { matchLabels: { ...EGRESS_PROXY_LABELS } },
      namespaceSelector: { any: true },
      podMetricsEndpoints: [
        {
          port: "http-metrics",
          path: "/stats/prometheus",
          interval: INTERVAL,
          // Only tenant namespaces hold egress proxies; a pod elsewhere with the label is not one.
          relabelings: [{ action: "keep", sourceLabels: ["__meta_kubernetes_namespace"], regex: `${TENANT_NAMESPACE_PREFIX}.+` }],
        },
      ],
    }),
  };
}

/** Every monitor this component declares; Falco's and Gatekeeper's come from their components. */
export function buildScrapeTargets(): ScrapeTarget[] {
  return [buildIstiodMonitor(), buildIstioProxyMonitor(), buildVaultMonitor(), buildEgressProxyMonitor()];
}
