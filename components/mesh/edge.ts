import * as pulumi from "@pulumi/pulumi";
import {
  ACME_PRODUCTION_SERVER,
  CERTIFICATE_RENEW_BEFORE,
  CLUSTER_ISSUER_NAME,
  EDGE_TLS_SECRET,
  GATEWAY_RATE_LIMIT,
  GATEWAY_SELECTOR,
  PUBLIC_GATEWAY_NAME,
  SECURITY_HEADERS,
} from "./defaults";
import { INGRESS_NAMESPACE, PLATFORM_API_NAME, PLATFORM_API_NAMESPACE } from "./identities";
import { CustomResourceObject, customResource } from "./resources";

/** Envoy's local rate limit filter and the type URL its typed config must carry. */
export const LOCAL_RATELIMIT_FILTER = "envoy.filters.http.local_ratelimit";
export const LOCAL_RATELIMIT_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

/** Container ports of the gateway's listeners (the chart lets Envoy bind low ports via a sysctl). */
export const GATEWAY_LISTENER_PORTS = { http: 80, https: 443 } as const;

export interface Dns01Args {
  /** AWS region of the Route 53 API calls. */
  region: string;
  /** The public hosted zone of `domain`; cert-manager writes `_acme-challenge` TXT records there. */
  hostedZoneId: pulumi.Input<string>;
}

/** `api.<domain>` serves the platform API; the wildcard covers per-tenant hosts. */
export function edgeHosts(domain: string): { api: string; wildcard: string } {
  return { api: `api.${domain}`, wildcard: `*.${domain}` };
}

/**
 * EDGE-01: the public Gateway. HTTPS terminates at the edge with TLS 1.3 as the floor; port 80
 * only redirects, so no request is ever served in plaintext.
 */
export function buildPublicGateway(domain: string): CustomResourceObject {
  const { api, wildcard } = edgeHosts(domain);
  const hosts = [api, wildcard];
  return customResource("networking.istio.io/v1", "Gateway", PUBLIC_GATEWAY_NAME, INGRESS_NAMESPACE, "edge", {
    selector: { ...GATEWAY_SELECTOR },
    servers: [
      {
        port: { number: GATEWAY_LISTENER_PORTS.https, name: "https", protocol: "HTTPS" },
        hosts,
        tls: { mode: "SIMPLE", credentialName: EDGE_TLS_SECRET, minProtocolVersion: "TLSV1_3" },
      },
      {
        port: { number: GATEWAY_LISTENER_PORTS.http, name: "http", protocol: "HTTP" },
        hosts,
        tls: { httpsRedirect: true },
      },
    ],
  });
}

/**
 * EDGE-02: Let's Encrypt production through DNS-01 on Route 53. Credentials are ambient (EKS Pod
 * Identity on cert-manager's service account), so no key is stored in the cluster. HTTP-01 is
 * not offered: it cannot issue the wildcard and collides with the port-80 redirect of EDGE-01.
 */
export function buildClusterIssuer(domain: string, acmeEmail: string, dns01: Dns01Args): CustomResourceObject {
  return customResource("cert-manager.io/v1", "ClusterIssuer", CLUSTER_ISSUER_NAME, undefined, "edge", {
    acme: {
      server: ACME_PRODUCTION_SERVER,
      email: acmeEmail,
      privateKeySecretRef: { name: `${CLUSTER_ISSUER_NAME}-account-key` },
      solvers: [
        {
          selector: { dnsZones: [domain] },
          dns01: { route53: { region: dns01.region, hostedZoneID: dns01.hostedZoneId } },
        },
      ],
    },
  });
}

/**
 * EDGE-02: the edge certificate, ECDSA P-256 with a new key on every renewal. It lives in the
 * gateway's namespace because the gateway reads `credentialName` only from its own namespace.
 */
export function buildEdgeCertificate(domain: string): CustomResourceObject {
  const { api, wildcard } = edgeHosts(domain);
  return customResource("cert-manager.io/v1", "Certificate", "platform-edge", INGRESS_NAMESPACE, "edge", {
    secretName: EDGE_TLS_SECRET,
    dnsNames: [api, wildcard],
    renewBefore: CERTIFICATE_RENEW_BEFORE,
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: CLUSTER_ISSUER_NAME },
    revisionHistoryLimit: 1,
  });
}

/**
 * EDGE-03: a token bucket in front of the router on every gateway HTTP listener. Requests over
 * the limit get 429 before they reach any route; the bucket is per gateway pod.
 */
export function buildRateLimitFilter(limit: typeof GATEWAY_RATE_LIMIT = GATEWAY_RATE_LIMIT): CustomResourceObject {
  const always = (runtimeKey: string) => ({
    runtime_key: runtimeKey,
    default_value: { numerator: 100, denominator: "HUNDRED" },
  });
  return customResource("networking.istio.io/v1alpha3", "EnvoyFilter", "gateway-local-ratelimit", INGRESS_NAMESPACE, "edge", {
    workloadSelector: { labels: { ...GATEWAY_SELECTOR } },
    configPatches: [
      {
        applyTo: "HTTP_FILTER",
        match: {
          context: "GATEWAY",
          listener: {
            filterChain: {
              filter: {
                name: "envoy.filters.network.http_connection_manager",
                subFilter: { name: "envoy.filters.http.router" },
              },
            },
          },
        },
        patch: {
          operation: "INSERT_BEFORE",
          value: {
            name: LOCAL_RATELIMIT_FILTER,
            typed_config: {
              "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
              type_url: LOCAL_RATELIMIT_TYPE_URL,
              value: {
                stat_prefix: "http_local_rate_limiter",
                token_bucket: {
                  max_tokens: limit.maxTokens,
                  tokens_per_fill: limit.tokensPerFill,
                  fill_interval: limit.fillInterval,
                },
                filter_enabled: always("local_rate_limit_enabled"),
                filter_enforced: always("local_rate_limit_enforced"),
                response_headers_to_add: [
                  { append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "x-local-rate-limit", value: "true" } },
                ],
              },
            },
          },
        },
      },
    ],
  });
}

/**
 * CLU-04 and EDGE-04: `api.<domain>` through the public Gateway to the platform API Service, with
 * the security headers set on every response, whatever the API itself sends.
 */
export function buildPlatformApiVirtualService(domain: string, port: number): CustomResourceObject {
  return customResource("networking.istio.io/v1", "VirtualService", PLATFORM_API_NAME, PLATFORM_API_NAMESPACE, "platform-api", {
    hosts: [edgeHosts(domain).api],
    gateways: [`${INGRESS_NAMESPACE}/${PUBLIC_GATEWAY_NAME}`],
    http: [
      {
        route: [{ destination: { host: `${PLATFORM_API_NAME}.${PLATFORM_API_NAMESPACE}.svc.cluster.local`, port: { number: port } } }],
        headers: { response: { set: { ...SECURITY_HEADERS }, remove: ["x-envoy-upstream-service-time"] } },
      },
    ],
  });
}
