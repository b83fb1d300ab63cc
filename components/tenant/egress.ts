import type * as k8s from "@pulumi/kubernetes";
import { createHash } from "crypto";
import { stringify } from "yaml";
import { standardLabels } from "../shared/labels";
import { VAULT_CONFIG } from "../vault/defaults";
import {
  EGRESS_PROXY_IMAGE,
  EGRESS_PROXY_METRICS_PORT,
  EGRESS_PROXY_PORT,
  EGRESS_PROXY_RESOURCES,
  EGRESS_PROXY_UID,
  ENVOY_ADMIN_PORT,
  NAMES,
  PROVIDER_CREDENTIAL_FILE,
  PROVIDER_KEY_DIR,
  PROVIDER_PROXY_PORT,
  PROXY_TLS_DIR,
  PUBLIC_DNS_SERVER,
} from "./defaults";
import { EGRESS_PROXY_LABELS } from "./network";
import { ProviderListenerArgs, SDS_DIR, buildProviderCluster, buildProviderListener, sdsFiles } from "./provider";
import { hardenedContainerSecurity, monitorAttributionEnv, sandboxedPodBasics } from "./security";

/**
 * Envoy as an HTTP CONNECT proxy that opens tunnels only to the allowed hosts, on 443 (NET-07):
 * NetworkPolicy cannot name hosts, so the agent's only egress is this proxy, and only the proxy
 * may reach public addresses on 443. Anything else gets 403.
 */
export function buildEgressProxyConfig(allowedHosts: string[], provider?: ProviderListenerArgs): Record<string, unknown> {
  const hosts = [...allowedHosts].sort();
  return {
    // Loopback only: the metrics listener forwards the one read-only stats path to it.
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: ENVOY_ADMIN_PORT } } },
    static_resources: {
      listeners: [
        {
          name: "connect",
          address: { socket_address: { address: "0.0.0.0", port_value: EGRESS_PROXY_PORT } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "egress",
                    route_config: {
                      name: "allowlist",
                      virtual_hosts: [
                        ...hosts.map((host) => ({
                          name: host,
                          domains: [`${host}:443`],
                          routes: [
                            {
                              match: { connect_matcher: {} },
                              route: { cluster: "dynamic_forward_proxy", upgrade_configs: [{ upgrade_type: "CONNECT", connect_config: {} }] },
                            },
                          ],
                        })),
                        {
                          name: "deny",
                          domains: ["*"],
                          // CONNECT has no path, so only connect_matcher catches it; plain requests fall to the prefix.
                          routes: [
                            { match: { connect_matcher: {} }, direct_response: { status: 403 } },
                            { match: { prefix: "" }, direct_response: { status: 403 } },
                          ],
                        },
                      ],
                    },
                    http_filters: [
                      {
                        name: "envoy.filters.http.dynamic_forward_proxy",
                        typed_config: {
                          "@type": "type.googleapis.com/envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig",
                          dns_cache_config: dnsCacheConfig(),
                        },
                      },
                      { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
                    ],
                    http2_protocol_options: { allow_connect: true },
                    upgrade_configs: [{ upgrade_type: "CONNECT" }],
                  },
                },
              ],
            },
          ],
        },
        ...(provider ? [buildProviderListener(provider)] : []),
        metricsListener(),
      ],
      clusters: [
        {
          name: "dynamic_forward_proxy",
          lb_policy: "CLUSTER_PROVIDED",
          cluster_type: {
            name: "envoy.clusters.dynamic_forward_proxy",
            typed_config: {
              "@type": "type.googleapis.com/envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig",
              dns_cache_config: dnsCacheConfig(),
            },
          },
        },
        ...(provider ? [buildProviderCluster(provider.host)] : []),
        {
          name: "admin",
          type: "STATIC",
          load_assignment: {
            cluster_name: "admin",
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: ENVOY_ADMIN_PORT } } } }] }],
          },
        },
      ],
    },
  };
}

/** Prometheus reads the proxy's counters (the provider budget among them) here: one GET path, nothing else of the admin API. */
function metricsListener() {
  return {
    name: "metrics",
    address: { socket_address: { address: "0.0.0.0", port_value: EGRESS_PROXY_METRICS_PORT } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              stat_prefix: "metrics",
              route_config: {
                name: "metrics",
                virtual_hosts: [
                  {
                    name: "metrics",
                    domains: ["*"],
                    routes: [
                      { match: { path: "/stats/prometheus", headers: [{ name: ":method", string_match: { exact: "GET" } }] }, route: { cluster: "admin" } },
                      { match: { prefix: "/" }, direct_response: { status: 404 } },
                    ],
                  },
                ],
              },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
            },
          },
        ],
      },
    ],
  };
}

function dnsCacheConfig() {
  return {
    name: "egress_dns",
    dns_lookup_family: "V4_ONLY",
    typed_dns_resolver_config: {
      name: "envoy.network.dns_resolver.cares",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig",
        resolvers: [{ socket_address: { address: PUBLIC_DNS_SERVER, port_value: 53 } }],
      },
    },
  };
}

/** SEC-09: the proxy alone mounts the provider key (as a file) and its serving certificate. */
function providerVolumes(): { volumes: k8s.types.input.core.v1.Volume[]; mounts: k8s.types.input.core.v1.VolumeMount[] } {
  return {
    volumes: [
      {
        name: NAMES.providerKeyVolume,
        // Optional: until Vault is configured and the key stored, the Secret does not exist; the
        // CONNECT path works meanwhile and the provider listener answers 401. The operator
        // restarts the proxy when the Secret appears or changes.
        secret: {
          secretName: VAULT_CONFIG.aiProviderSecretName,
          optional: true,
          defaultMode: 0o440,
          items: [{ key: PROVIDER_CREDENTIAL_FILE, path: PROVIDER_CREDENTIAL_FILE }],
        },
      },
      {
        name: NAMES.proxyTlsVolume,
        secret: {
          secretName: NAMES.proxyTlsSecret,
          defaultMode: 0o440,
          items: [
            { key: "tls.crt", path: "tls.crt" },
            { key: "tls.key", path: "tls.key" },
          ],
        },
      },
    ],
    mounts: [
      { name: NAMES.providerKeyVolume, mountPath: PROVIDER_KEY_DIR, readOnly: true },
      { name: NAMES.proxyTlsVolume, mountPath: PROXY_TLS_DIR, readOnly: true },
    ],
  };
}

export function buildEgressProxy(namespace: string, allowedHosts: string[], runtimeClassName: string, provider?: ProviderListenerArgs, replicas = 1) {
  const labels = { ...standardLabels(NAMES.egressProxy, "egress"), ...EGRESS_PROXY_LABELS };
  const sds = provider ? Object.fromEntries(Object.entries(sdsFiles()).map(([file, content]) => [`sds-${file}`, stringify(content)])) : {};
  const configMap: k8s.types.input.core.v1.ConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: NAMES.egressProxy, namespace, labels },
    data: { "envoy.yaml": stringify(buildEgressProxyConfig(allowedHosts, provider)), ...sds },
  };
  const keyed = provider ? providerVolumes() : { volumes: [], mounts: [] };
  const deployment: k8s.types.input.apps.v1.Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAMES.egressProxy, namespace, labels },
    spec: {
      replicas,
      // The quota holds one proxy pod: replace it rather than surge a second one.
      strategy: { type: "Recreate" },
      selector: { matchLabels: { ...EGRESS_PROXY_LABELS } },
      template: {
        metadata: {
          labels,
          annotations: {
            // The proxy's traffic leaves the mesh; a sidecar would only add a second hop.
            "sidecar.istio.io/inject": "false",
            // Envoy reads its bootstrap once: a new allowlist or budget must restart it.
            "agent-platform.io/config-sha256": createHash("sha256").update(JSON.stringify(configMap.data)).digest("hex"),
          },
        },
        spec: {
          ...sandboxedPodBasics(runtimeClassName, EGRESS_PROXY_UID, PUBLIC_DNS_SERVER),
          containers: [
            {
              name: "envoy",
              image: EGRESS_PROXY_IMAGE,
              // Skip the image's entrypoint, which would try to switch users as root.
              command: ["envoy", "-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"],
              // RUN-08: the proxy runs in the sandbox too; its alerts must name the tenant.
              env: monitorAttributionEnv("envoy", EGRESS_PROXY_IMAGE),
              ports: [
                { name: "tcp-connect", containerPort: EGRESS_PROXY_PORT },
                ...(provider ? [{ name: "https-provider", containerPort: PROVIDER_PROXY_PORT }] : []),
                { name: "http-metrics", containerPort: EGRESS_PROXY_METRICS_PORT },
              ],
              resources: EGRESS_PROXY_RESOURCES,
              securityContext: { ...hardenedContainerSecurity(), readOnlyRootFilesystem: true },
              volumeMounts: [
                { name: "config", mountPath: "/etc/envoy", readOnly: true },
                ...(provider ? [{ name: "sds", mountPath: SDS_DIR, readOnly: true }] : []),
                ...keyed.mounts,
              ],
              readinessProbe: { tcpSocket: { port: EGRESS_PROXY_PORT }, periodSeconds: 10 },
            },
          ],
          volumes: [
            { name: "config", configMap: { name: NAMES.egressProxy, items: [{ key: "envoy.yaml", path: "envoy.yaml" }] } },
            ...(provider
              ? [{ name: "sds", configMap: { name: NAMES.egressProxy, items: Object.keys(sds).map((key) => ({ key, path: key.slice("sds-".length) })) } }]
              : []),
            ...keyed.volumes,
          ],
        },
      },
    },
  };
  const service: k8s.types.input.core.v1.Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: NAMES.egressProxy, namespace, labels },
    spec: {
      selector: { ...EGRESS_PROXY_LABELS },
      ports: [
        { name: "tcp-connect", port: EGRESS_PROXY_PORT, targetPort: EGRESS_PROXY_PORT },
        ...(provider ? [{ name: "https-provider", port: PROVIDER_PROXY_PORT, targetPort: PROVIDER_PROXY_PORT }] : []),
      ],
    },
  };
  return { configMap, deployment, service };
}
