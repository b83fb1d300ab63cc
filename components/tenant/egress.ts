import type * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { standardLabels } from "../shared/labels";
import {
  EGRESS_PROXY_IMAGE,
  EGRESS_PROXY_PORT,
  EGRESS_PROXY_RESOURCES,
  EGRESS_PROXY_UID,
  NAMES,
  PUBLIC_DNS_SERVER,
} from "./defaults";
import { EGRESS_PROXY_LABELS } from "./network";
import { hardenedContainerSecurity, monitorAttributionEnv, sandboxedPodBasics } from "./security";

/**
 * Envoy as an HTTP CONNECT proxy that opens tunnels only to the allowed hosts, on 443 (NET-07):
 * NetworkPolicy cannot name hosts, so the agent's only egress is this proxy, and only the proxy
 * may reach public addresses on 443. Anything else gets 403.
 */
export function buildEgressProxyConfig(allowedHosts: string[]): Record<string, unknown> {
  const hosts = [...allowedHosts].sort();
  return {
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
      ],
    },
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

export function buildEgressProxy(namespace: string, allowedHosts: string[], runtimeClassName: string, replicas = 1) {
  const labels = { ...standardLabels(NAMES.egressProxy, "egress"), ...EGRESS_PROXY_LABELS };
  const configMap: k8s.types.input.core.v1.ConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: NAMES.egressProxy, namespace, labels },
    data: { "envoy.yaml": stringify(buildEgressProxyConfig(allowedHosts)) },
  };
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
          // The proxy's traffic leaves the mesh; a sidecar would only add a second hop.
          annotations: { "sidecar.istio.io/inject": "false" },
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
              ports: [{ name: "tcp-connect", containerPort: EGRESS_PROXY_PORT }],
              resources: EGRESS_PROXY_RESOURCES,
              securityContext: { ...hardenedContainerSecurity(), readOnlyRootFilesystem: true },
              volumeMounts: [{ name: "config", mountPath: "/etc/envoy", readOnly: true }],
              readinessProbe: { tcpSocket: { port: EGRESS_PROXY_PORT }, periodSeconds: 10 },
            },
          ],
          volumes: [{ name: "config", configMap: { name: NAMES.egressProxy } }],
        },
      },
    },
  };
  const service: k8s.types.input.core.v1.Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: NAMES.egressProxy, namespace, labels },
    spec: { selector: { ...EGRESS_PROXY_LABELS }, ports: [{ name: "tcp-connect", port: EGRESS_PROXY_PORT, targetPort: EGRESS_PROXY_PORT }] },
  };
  return { configMap, deployment, service };
}
