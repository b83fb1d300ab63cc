import {
  LOCAL_RATELIMIT_TYPE_URL,
  buildClusterIssuer,
  buildEdgeCertificate,
  buildPlatformApiVirtualService,
  buildPublicGateway,
  buildRateLimitFilter,
} from "./edge";

const labels = (name: string, component: string) => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/part-of": "agent-platform",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/component": component,
});

describe("public edge", () => {
  it("EDGE-01 terminates TLS 1.3 at the ingress gateway and only redirects plain HTTP", () => {
    expect(buildPublicGateway("agents.example.com")).toEqual({
      apiVersion: "networking.istio.io/v1",
      kind: "Gateway",
      metadata: { name: "public", namespace: "istio-ingress", labels: labels("public", "edge") },
      spec: {
        selector: { istio: "ingressgateway" },
        servers: [
          {
            port: { number: 443, name: "https", protocol: "HTTPS" },
            hosts: ["api.agents.example.com", "*.agents.example.com"],
            tls: { mode: "SIMPLE", credentialName: "platform-edge-tls", minProtocolVersion: "TLSV1_3" },
          },
          {
            port: { number: 80, name: "http", protocol: "HTTP" },
            hosts: ["api.agents.example.com", "*.agents.example.com"],
            tls: { httpsRedirect: true },
          },
        ],
      },
    });
  });

  it("EDGE-02 issues ECDSA P-256 certificates from Let's Encrypt production and renews them with a new key", () => {
    expect(buildClusterIssuer("agents.example.com", "ops@example.com", { region: "eu-west-1", hostedZoneId: "Z0123" })).toEqual({
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "letsencrypt-production", labels: labels("letsencrypt-production", "edge") },
      spec: {
        acme: {
          server: "https://acme-v02.api.letsencrypt.org/directory",
          email: "ops@example.com",
          privateKeySecretRef: { name: "letsencrypt-production-account-key" },
          solvers: [
            {
              selector: { dnsZones: ["agents.example.com"] },
              dns01: { route53: { region: "eu-west-1", hostedZoneID: "Z0123" } },
            },
          ],
        },
      },
    });
    expect(buildEdgeCertificate("agents.example.com")).toEqual({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "platform-edge", namespace: "istio-ingress", labels: labels("platform-edge", "edge") },
      spec: {
        secretName: "platform-edge-tls",
        dnsNames: ["api.agents.example.com", "*.agents.example.com"],
        renewBefore: "720h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "letsencrypt-production" },
        revisionHistoryLimit: 1,
      },
    });
    // The gateway serves exactly the secret the certificate writes.
    const tls = (buildPublicGateway("agents.example.com").spec as any).servers[0].tls;
    expect(tls.credentialName).toBe((buildEdgeCertificate("agents.example.com").spec as any).secretName);
  });

  it("EDGE-03 rate-limits requests at the ingress gateway before routing", () => {
    expect(LOCAL_RATELIMIT_TYPE_URL).toBe("type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit");
    expect(buildRateLimitFilter()).toEqual({
      apiVersion: "networking.istio.io/v1alpha3",
      kind: "EnvoyFilter",
      metadata: { name: "gateway-local-ratelimit", namespace: "istio-ingress", labels: labels("gateway-local-ratelimit", "edge") },
      spec: {
        workloadSelector: { labels: { istio: "ingressgateway" } },
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
                name: "envoy.filters.http.local_ratelimit",
                typed_config: {
                  "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
                  type_url: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                  value: {
                    stat_prefix: "http_local_rate_limiter",
                    token_bucket: { max_tokens: 200, tokens_per_fill: 200, fill_interval: "1s" },
                    filter_enabled: { runtime_key: "local_rate_limit_enabled", default_value: { numerator: 100, denominator: "HUNDRED" } },
                    filter_enforced: { runtime_key: "local_rate_limit_enforced", default_value: { numerator: 100, denominator: "HUNDRED" } },
                    response_headers_to_add: [
                      { append_action: "OVERWRITE_IF_EXISTS_OR_ADD", header: { key: "x-local-rate-limit", value: "true" } },
                    ],
                  },
                },
              },
            },
          },
        ],
      },
    });
  });

  it("EDGE-04 sets the security headers on every platform API response", () => {
    expect(buildPlatformApiVirtualService("agents.example.com", 8080)).toEqual({
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "platform-api", namespace: "platform-api", labels: labels("platform-api", "platform-api") },
      spec: {
        hosts: ["api.agents.example.com"],
        gateways: ["istio-ingress/public"],
        http: [
          {
            route: [{ destination: { host: "platform-api.platform-api.svc.cluster.local", port: { number: 8080 } } }],
            headers: {
              response: {
                set: {
                  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
                  "X-Frame-Options": "DENY",
                  "X-Content-Type-Options": "nosniff",
                  "Referrer-Policy": "no-referrer",
                  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                },
                remove: ["x-envoy-upstream-service-time"],
              },
            },
          },
        ],
      },
    });
  });
});
