import type * as k8s from "@pulumi/kubernetes";
import { MODEL_PROVIDER_CREDENTIALS, MODEL_PROVIDER_HOSTS, PROVIDER_CREDENTIAL_HEADERS, TENANT_PLANS } from "../../config/defaults";
import type { TenantConfig } from "../../config/schema";
import {
  NAMES,
  PROVIDER_CREDENTIAL_FILE,
  PROVIDER_KEY_DIR,
  PROVIDER_KEY_FILE,
  PROVIDER_PROXY_PORT,
  PROXY_TLS_DIR,
  PUBLIC_DNS_SERVER,
  SYSTEM_CA_BUNDLE,
  TENANT_CA_DIR,
} from "./defaults";

/**
 * SEC-09: the provider key never enters the agent's sandbox. The tenant's egress proxy holds it
 * and serves the provider's API on a TLS listener of its own: it strips every credential the
 * agent sends, adds the tenant's key in the header the provider expects, and re-originates TLS to
 * that one host, checking its certificate. docs/decisions/provider-credential-custody.md.
 */

const TYPE = "type.googleapis.com/envoy.extensions";
/** Envoy names the secrets it loads from these files (SDS over the filesystem, see sdsFiles). */
export const SDS_DIR = "/etc/envoy-sds";
export const CREDENTIAL_SECRET = "provider_credential";
export const SERVING_SECRET = "provider_serving_cert";

/**
 * The tenant's provider host: its provider's well-known host if the tenant allows it, else (Azure
 * OpenAI, whose hosts are per customer) the first allowed host.
 */
export function providerHost(tenant: Pick<TenantConfig, "modelProvider" | "allowedApiHosts">): string {
  return MODEL_PROVIDER_HOSTS[tenant.modelProvider].find((h) => tenant.allowedApiHosts.includes(h)) ?? tenant.allowedApiHosts[0];
}

/**
 * The name the agent addresses its proxy's provider endpoint by, and its certificate's name: a host
 * alias, since the agent has no DNS. Under `.internal` (reserved for private use), not `.svc`: no
 * cluster service name appears in an agent's environment (NET-02).
 */
export function proxyHostName(namespace: string): string {
  return `${NAMES.egressProxy}.${namespace}.internal`;
}

/** The provider endpoint the agent's SDK calls: the proxy, over TLS, on the path the SDK expects. */
export function providerBaseUrl(tenant: TenantConfig, namespace: string): string {
  return `https://${proxyHostName(namespace)}:${PROVIDER_PROXY_PORT}${MODEL_PROVIDER_CREDENTIALS[tenant.modelProvider].basePath}`;
}

/**
 * What the agent's environment says about its provider: where to call it and which CA to trust.
 * No key, not even a placeholder: whatever key the agent sends, the proxy strips. NODE_EXTRA_CA_CERTS adds the tenant CA to Node's roots; SSL_CERT_FILE would replace them and
 * break every public host on the CONNECT path.
 */
export function providerEndpointEnv(tenant: TenantConfig, namespace: string): k8s.types.input.core.v1.EnvVar[] {
  const credential = MODEL_PROVIDER_CREDENTIALS[tenant.modelProvider];
  const baseUrl = providerBaseUrl(tenant, namespace);
  return [
    { name: "AGENT_PLATFORM_MODEL_PROVIDER", value: tenant.modelProvider },
    { name: "AGENT_PLATFORM_PROVIDER_BASE_URL", value: baseUrl },
    ...(credential.baseUrlEnv ? [{ name: credential.baseUrlEnv, value: baseUrl }] : []),
    { name: "NODE_EXTRA_CA_CERTS", value: `${TENANT_CA_DIR}/ca.crt` },
  ];
}

/**
 * The header value the operator renders into the synced Secret (VSO transformation templates):
 * the key with its provider's prefix, since Envoy's generic credential injects a file verbatim.
 */
export function credentialTemplate(tenant: Pick<TenantConfig, "modelProvider">): Record<string, { text: string }> {
  const { prefix } = MODEL_PROVIDER_CREDENTIALS[tenant.modelProvider];
  // No `{{-` trim markers: they would eat the space after `Bearer`.
  return { [PROVIDER_CREDENTIAL_FILE]: { text: `${prefix}{{ get .Secrets "${PROVIDER_KEY_FILE}" }}` } };
}

/** The SDS files (in the proxy's ConfigMap) naming the mounted key and certificate; Envoy watches the mounts. */
export function sdsFiles(): Record<string, unknown> {
  const resource = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
  return {
    "credential.yaml": {
      resources: [
        {
          "@type": resource,
          name: CREDENTIAL_SECRET,
          generic_secret: { secret: { filename: `${PROVIDER_KEY_DIR}/${PROVIDER_CREDENTIAL_FILE}` } },
        },
      ],
    },
    "serving.yaml": {
      resources: [
        {
          "@type": resource,
          name: SERVING_SECRET,
          tls_certificate: {
            certificate_chain: { filename: `${PROXY_TLS_DIR}/tls.crt` },
            private_key: { filename: `${PROXY_TLS_DIR}/tls.key` },
            // Kubernetes swaps a Secret volume's files by renaming a directory: watch it, so a renewed certificate loads.
            watched_directory: { path: PROXY_TLS_DIR },
          },
        },
      ],
    },
  };
}

function sdsSecret(name: string, file: string) {
  return { name, sds_config: { path_config_source: { path: `${SDS_DIR}/${file}`, watched_directory: { path: SDS_DIR } } } };
}

/** The JSON access log line of one provider call: who, where, outcome and size; never headers or bodies. */
export function providerAccessLogFormat(tenantId: string, host: string): Record<string, string> {
  return {
    tenant: tenantId,
    host,
    method: "%REQ(:METHOD)%",
    // Without the query string: a client could put a key there (Google accepts `?key=`).
    path: "%REQ_WITHOUT_QUERY(:PATH)%",
    status: "%RESPONSE_CODE%",
    response_flags: "%RESPONSE_FLAGS%",
    bytes_received: "%BYTES_RECEIVED%",
    bytes_sent: "%BYTES_SENT%",
    duration_ms: "%DURATION%",
    upstream_ms: "%RESPONSE_DURATION%",
    start_time: "%START_TIME%",
  };
}

export interface ProviderListenerArgs {
  tenant: TenantConfig;
  host: string;
}

/** The provider listener: TLS from the agent, budget, credential swap, TLS to the provider. */
export function buildProviderListener({ tenant, host }: ProviderListenerArgs): Record<string, unknown> {
  const plan = TENANT_PLANS[tenant.plan];
  const { header } = MODEL_PROVIDER_CREDENTIALS[tenant.modelProvider];
  const percent = (numerator: number) => ({ numerator, denominator: "HUNDRED" });
  return {
    name: "provider",
    address: { socket_address: { address: "0.0.0.0", port_value: PROVIDER_PROXY_PORT } },
    filter_chains: [
      {
        transport_socket: {
          name: "envoy.transport_sockets.tls",
          typed_config: {
            "@type": `${TYPE}.transport_sockets.tls.v3.DownstreamTlsContext`,
            common_tls_context: {
              tls_params: { tls_minimum_protocol_version: "TLSv1_2" },
              tls_certificate_sds_secret_configs: [sdsSecret(SERVING_SECRET, "serving.yaml")],
            },
          },
        },
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": `${TYPE}.filters.network.http_connection_manager.v3.HttpConnectionManager`,
              stat_prefix: "provider",
              // The agent's requests are external: Envoy then ignores and strips the x-envoy-* request
              // headers (retries, timeouts) an agent could otherwise steer the proxy with past its budget.
              use_remote_address: true,
              internal_address_config: { cidr_ranges: [{ address_prefix: "127.0.0.1", prefix_len: 32 }] },
              access_log: [
                {
                  name: "envoy.access_loggers.stdout",
                  typed_config: {
                    "@type": `${TYPE}.access_loggers.stream.v3.StdoutAccessLog`,
                    log_format: { json_format: providerAccessLogFormat(tenant.id, host) },
                  },
                },
              ],
              route_config: {
                name: "provider",
                virtual_hosts: [
                  {
                    name: host,
                    domains: ["*"],
                    routes: [
                      // A key in the query (Gemini accepts `?key=`) would pass the header strip, and the
                      // access log drops queries: such a call is refused, whatever the provider.
                      { match: { prefix: "/", query_parameters: [{ name: "key", present_match: true }] }, direct_response: { status: 400 } },
                      { match: { prefix: "/" }, route: { cluster: "provider", host_rewrite_literal: host, timeout: "600s" } },
                    ],
                  },
                ],
              },
              http_filters: [
                {
                  // The tenant's budget: one token bucket for the whole proxy, refilled every minute.
                  name: "envoy.filters.http.local_ratelimit",
                  typed_config: {
                    "@type": `${TYPE}.filters.http.local_ratelimit.v3.LocalRateLimit`,
                    stat_prefix: "provider",
                    token_bucket: { max_tokens: plan.providerRequestsPerMinute, tokens_per_fill: plan.providerRequestsPerMinute, fill_interval: "60s" },
                    filter_enabled: { runtime_key: "provider_rate_limit_enabled", default_value: percent(100) },
                    filter_enforced: { runtime_key: "provider_rate_limit_enforced", default_value: percent(100) },
                  },
                },
                {
                  name: "envoy.filters.http.buffer",
                  typed_config: { "@type": `${TYPE}.filters.http.buffer.v3.Buffer`, max_request_bytes: plan.providerMaxRequestBytes },
                },
                {
                  // Before the injector: a route-level removal would run after it and drop the injected key too.
                  name: "envoy.filters.http.header_mutation",
                  typed_config: {
                    "@type": `${TYPE}.filters.http.header_mutation.v3.HeaderMutation`,
                    mutations: { request_mutations: PROVIDER_CREDENTIAL_HEADERS.map((name) => ({ remove: name })) },
                  },
                },
                {
                  name: "envoy.filters.http.credential_injector",
                  typed_config: {
                    "@type": `${TYPE}.filters.http.credential_injector.v3.CredentialInjector`,
                    overwrite: true,
                    // No key yet (Vault not configured): 401 here rather than an anonymous call upstream.
                    allow_request_without_credential: false,
                    credential: {
                      name: "envoy.http.injected_credentials.generic",
                      typed_config: {
                        "@type": `${TYPE}.http.injected_credentials.generic.v3.Generic`,
                        credential: sdsSecret(CREDENTIAL_SECRET, "credential.yaml"),
                        header,
                      },
                    },
                  },
                },
                { name: "envoy.filters.http.router", typed_config: { "@type": `${TYPE}.filters.http.router.v3.Router` } },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** The one upstream of the provider listener: the provider host on 443, its certificate checked. */
export function buildProviderCluster(host: string): Record<string, unknown> {
  return {
    name: "provider",
    type: "LOGICAL_DNS",
    dns_lookup_family: "V4_ONLY",
    connect_timeout: "10s",
    typed_dns_resolver_config: {
      name: "envoy.network.dns_resolver.cares",
      typed_config: {
        "@type": `${TYPE}.network.dns_resolver.cares.v3.CaresDnsResolverConfig`,
        resolvers: [{ socket_address: { address: PUBLIC_DNS_SERVER, port_value: 53 } }],
      },
    },
    load_assignment: {
      cluster_name: "provider",
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: 443 } } } }] }],
    },
    transport_socket: {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": `${TYPE}.transport_sockets.tls.v3.UpstreamTlsContext`,
        sni: host,
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: "TLSv1_2" },
          validation_context: {
            trusted_ca: { filename: SYSTEM_CA_BUNDLE },
            match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: host } }],
          },
        },
      },
    },
  };
}
