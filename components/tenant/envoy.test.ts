import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { TenantConfig } from "../../config/schema";
import { buildEgressProxy } from "./egress";
import { providerHost } from "./provider";

/** The checker scripts/install-tools.sh builds from components/tenant/envoy-check (go-control-plane v1.36.0). */
const CHECKER = path.resolve(__dirname, "..", "..", ".tools", "bin", "envoy-check");

function envoyCheck(kind: "bootstrap" | "discovery", config: unknown): { status: number | null; out: string } {
  if (!fs.existsSync(CHECKER)) throw new Error(`envoy-check not found at ${CHECKER}: run scripts/install-tools.sh`);
  const run = spawnSync(CHECKER, [kind], { input: JSON.stringify(config), encoding: "utf8", timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, out: `${run.stdout}${run.stderr}`.trim() };
}

const tenants: TenantConfig[] = [
  { id: "acme", plan: "medium", modelProvider: "anthropic", allowedApiHosts: ["api.anthropic.com"], storage: "20Gi" },
  { id: "globex", plan: "large", modelProvider: "openai", allowedApiHosts: ["api.openai.com"], storage: "100Gi" },
  { id: "initech", plan: "small", modelProvider: "azure-openai", allowedApiHosts: ["initech-prod.openai.azure.com"], storage: "10Gi" },
  { id: "hooli", plan: "small", modelProvider: "google", allowedApiHosts: ["generativelanguage.googleapis.com", "pypi.org"], storage: "10Gi" },
] as TenantConfig[];

/** The proxy's ConfigMap, each file parsed as Envoy reads it. */
function files(tenant: TenantConfig): Record<string, any> {
  const { configMap } = buildEgressProxy(`tenant-${tenant.id}`, ["api.agents.example.com", "pypi.org"], "gvisor", { tenant, host: providerHost(tenant) });
  return Object.fromEntries(Object.entries(configMap.data as Record<string, string>).map(([key, text]) => [key, parse(text)]));
}

describe("the egress proxy's Envoy configuration, parsed and validated by Envoy's own v3 API", () => {
  it("SEC-09 NET-07 parses the CONNECT allowlist, the provider listener and the SDS files strictly into the v1.36 protos, and they validate", () => {
    for (const tenant of tenants) {
      const config = files(tenant);
      expect([tenant.id, envoyCheck("bootstrap", config["envoy.yaml"])]).toEqual([tenant.id, { status: 0, out: "ok" }]);
      expect(envoyCheck("discovery", config["sds-credential.yaml"])).toEqual({ status: 0, out: "ok" });
      expect(envoyCheck("discovery", config["sds-serving.yaml"])).toEqual({ status: 0, out: "ok" });
    }
  });

  it("SEC-09 NET-07 fails on an unknown field, an unknown type and a broken validation rule, inside typed configs too", () => {
    const base = () => files(tenants[0])["envoy.yaml"];
    const provider = (config: any) => config.static_resources.listeners.find((l: any) => l.name === "provider").filter_chains[0].filters[0].typed_config;
    const injector = (config: any) => provider(config).http_filters.find((f: any) => f.name === "envoy.filters.http.credential_injector").typed_config;

    const misspelt = base();
    provider(misspelt).http_filters.find((f: any) => f.name === "envoy.filters.http.local_ratelimit").typed_config.token_bucket.max_token = 5;
    expect(envoyCheck("bootstrap", misspelt)).toEqual({ status: 1, out: expect.stringMatching(/^parse: .*unknown field "max_token"/) });

    const unknownType = base();
    injector(unknownType).credential.typed_config["@type"] = "type.googleapis.com/envoy.extensions.injected_credentials.generic.v3.Generic";
    expect(envoyCheck("bootstrap", unknownType)).toEqual({ status: 1, out: expect.stringMatching(/^parse: .*injected_credentials\.generic\.v3\.Generic/) });

    const badHeader = base();
    injector(badHeader).credential.typed_config.header = "x api key";
    expect(envoyCheck("bootstrap", badHeader)).toEqual({ status: 1, out: expect.stringMatching(/^validate: .*Header: value does not match regex pattern/) });

    const noBucket = base();
    delete provider(noBucket).http_filters.find((f: any) => f.name === "envoy.filters.http.local_ratelimit").typed_config.token_bucket.max_tokens;
    expect(envoyCheck("bootstrap", noBucket)).toEqual({ status: 1, out: expect.stringMatching(/^validate: .*MaxTokens: value must be greater than 0/) });

    const badPort = base();
    badPort.static_resources.listeners[0].address.socket_address.port_value = 70000;
    expect(envoyCheck("bootstrap", badPort)).toEqual({ status: 1, out: expect.stringMatching(/^validate: .*PortValue: value must be less than or equal to 65535/) });
  });
});
