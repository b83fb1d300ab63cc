import { spawnSync } from "child_process";
import * as path from "path";
import { MODEL_PROVIDER_CREDENTIALS, ModelProvider } from "../../config/defaults";
import type { TenantConfig } from "../../config/schema";
import { unknownSpecKeys } from "../mesh/resources";
import { buildEgressProxyConfig } from "./egress";
import { buildTenantPki } from "./pki";
import { buildProviderListener, credentialTemplate, providerHost, sdsFiles } from "./provider";

const tenant = (modelProvider: ModelProvider, allowedApiHosts: string[]): TenantConfig =>
  ({ id: "acme", plan: "small", modelProvider, allowedApiHosts, storage: "10Gi" }) as TenantConfig;

const httpFilters = (listener: any) => listener.filter_chains[0].filters[0].typed_config.http_filters;

/**
 * The Envoy v3 API messages the proxy's configuration uses, each with the proto file that defines
 * it in envoyproxy/envoy's api/ tree. Checked by hand against the upstream sources for the pinned
 * envoyproxy/envoy:v1.36.4 (docs/decisions/provider-credential-custody.md lists what was read):
 * a new type URL fails this test until someone checks it exists there too.
 */
const ENVOY_V3_MESSAGES: Record<string, string> = {
  "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager": "filters/network/http_connection_manager/v3/http_connection_manager.proto",
  "envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig": "filters/http/dynamic_forward_proxy/v3/dynamic_forward_proxy.proto",
  "envoy.extensions.filters.http.router.v3.Router": "filters/http/router/v3/router.proto",
  "envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig": "clusters/dynamic_forward_proxy/v3/cluster.proto",
  "envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig": "network/dns_resolver/cares/v3/cares_dns_resolver.proto",
  "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext": "transport_sockets/tls/v3/tls.proto",
  "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext": "transport_sockets/tls/v3/tls.proto",
  "envoy.extensions.transport_sockets.tls.v3.Secret": "transport_sockets/tls/v3/secret.proto",
  "envoy.extensions.access_loggers.stream.v3.StdoutAccessLog": "access_loggers/stream/v3/stream.proto",
  "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit": "filters/http/local_ratelimit/v3/local_rate_limit.proto",
  "envoy.extensions.filters.http.buffer.v3.Buffer": "filters/http/buffer/v3/buffer.proto",
  "envoy.extensions.filters.http.header_mutation.v3.HeaderMutation": "filters/http/header_mutation/v3/header_mutation.proto",
  "envoy.extensions.filters.http.credential_injector.v3.CredentialInjector": "filters/http/credential_injector/v3/credential_injector.proto",
  "envoy.extensions.http.injected_credentials.generic.v3.Generic": "http/injected_credentials/generic/v3/generic.proto",
};

describe("the provider listener of the egress proxy", () => {
  it("SEC-09 adds each provider's key in the header that provider expects", () => {
    const cases: [ModelProvider, string[], string, string, string][] = [
      ["anthropic", ["api.anthropic.com"], "api.anthropic.com", "x-api-key", ""],
      ["openai", ["api.openai.com"], "api.openai.com", "authorization", "Bearer "],
      ["openrouter", ["openrouter.ai"], "openrouter.ai", "authorization", "Bearer "],
      ["mistral", ["api.mistral.ai"], "api.mistral.ai", "authorization", "Bearer "],
      ["azure-openai", ["initech-prod.openai.azure.com"], "initech-prod.openai.azure.com", "api-key", ""],
      ["google", ["generativelanguage.googleapis.com"], "generativelanguage.googleapis.com", "x-goog-api-key", ""],
    ];
    for (const [provider, allowed, host, header, prefix] of cases) {
      const t = tenant(provider, allowed);
      expect(providerHost(t)).toBe(host);
      const injector = httpFilters(buildProviderListener({ tenant: t, host })).find((f: any) => f.name === "envoy.filters.http.credential_injector");
      expect([injector.typed_config.credential.typed_config.header, injector.typed_config.overwrite]).toEqual([header, true]);
      expect(credentialTemplate(t)).toEqual({ credential: { text: `${prefix}{{ get .Secrets "api-key" }}` } });
      // Whatever the agent sends in any provider's key header is removed first, this provider's included.
      const removed = httpFilters(buildProviderListener({ tenant: t, host })).find((f: any) => f.name === "envoy.filters.http.header_mutation");
      expect(removed.typed_config.mutations.request_mutations).toContainEqual({ remove: header });
      expect(MODEL_PROVIDER_CREDENTIALS[provider].header).toBe(header);
    }
    // A tenant allowing several hosts gets the key added for its provider's well-known host only.
    expect(providerHost(tenant("openai", ["uploads.example.com", "api.openai.com"]))).toBe("api.openai.com");
  });

  it("SEC-09 uses only Envoy extensions and fields of the pinned Envoy's v3 API", () => {
    const t = tenant("anthropic", ["api.anthropic.com"]);
    const config = JSON.stringify([buildEgressProxyConfig(["api.agents.example.com"], { tenant: t, host: "api.anthropic.com" }), sdsFiles()]);
    const types = [...new Set([...config.matchAll(/"@type":"type\.googleapis\.com\/([^"]+)"/g)].map((m) => m[1]))].sort();
    expect(types.filter((type) => !ENVOY_V3_MESSAGES[type])).toEqual([]);
    // Each message lives in the package its proto file declares: envoy.extensions.<dir path>.<Message>.
    for (const [type, file] of Object.entries(ENVOY_V3_MESSAGES)) {
      expect(type.split(".").slice(0, -1).join(".")).toBe(`envoy.extensions.${path.dirname(file).split("/").join(".")}`);
    }
    // Every @type there is in the table, and every typed extension carries one.
    expect(config).not.toMatch(/"typed_config":\{(?!"@type")/);
    expect(types).toEqual(Object.keys(ENVOY_V3_MESSAGES).sort());
  });

  it("SEC-09 gives each tenant its own CA chain, valid against cert-manager's published schemas", () => {
    const objects = buildTenantPki("tenant-acme");
    const run = spawnSync(process.execPath, [path.join(__dirname, "../mesh/schema/validate.mjs")], { input: JSON.stringify(objects), encoding: "utf8" });
    const report = JSON.parse(run.stdout || '{"results":[]}');
    expect(report.results.filter((r: any) => !r.ok)).toEqual([]);
    expect([run.status, report.results.length]).toEqual([0, 4]);
    expect(objects.flatMap(unknownSpecKeys)).toEqual([]);
    // Namespaced Issuers only: a ClusterIssuer would let one tenant's CA sign for another.
    expect(objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ["Issuer", "tenant-ca-root", "tenant-acme"],
      ["Certificate", "tenant-ca", "tenant-acme"],
      ["Issuer", "tenant-ca", "tenant-acme"],
      ["Certificate", "egress-proxy-tls", "tenant-acme"],
    ]);
  });
});
