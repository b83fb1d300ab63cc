import fc from "fast-check";
import { ConfigError } from "../config/errors";
import { parseStackConfig } from "../config/load";
import { isHostname } from "../config/rules";
import { ProgramFailed, runProgram } from "../scripts/engine/run";

// An `xn--` label that is not Punycode is no hostname (config/rules.ts isHostname); leave it out.
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/).filter((l) => isHostname(`${l}.com`));
const hostname = fc.tuple(label, label, fc.constantFrom("com", "ai", "io", "net")).map((parts) => parts.join("."));
const tenantId = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/);

const tenant = (id: string) =>
  fc.record(
    {
      id: fc.constant(id),
      plan: fc.constantFrom("small", "medium", "large"),
      modelProvider: fc.constantFrom("anthropic", "openai", "google", "mistral", "openrouter"),
      allowedApiHosts: fc.uniqueArray(hostname, { minLength: 1, maxLength: 3 }),
      storage: fc.constantFrom("1Gi", "20Gi", "500Gi", "1Ti"),
      displayName: fc.string({ minLength: 1, maxLength: 20 }),
    },
    { requiredKeys: ["id", "modelProvider"] },
  );

/** Configurations every rule accepts. */
const validConfig = fc
  .record({
    domain: hostname,
    email: label,
    replicas: fc.integer({ min: 3, max: 10 }),
    ids: fc.uniqueArray(tenantId, { maxLength: 4 }),
    latestTag: fc.constantFrom("warn", "deny"),
    // Routable public /24s an operator could list: 3.x.y.0/24 is AWS's, never special-purpose.
    accessOctet: fc.integer({ min: 0, max: 255 }),
  })
  .chain(({ domain, email, replicas, ids, latestTag, accessOctet }) =>
    fc.tuple(...ids.map(tenant)).map((tenants) => ({
      domain,
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      acmeEmail: `${email}@${domain}`,
      platformApi: { image: "ghcr.io/example/api:1.2.3", replicas },
      agentImages: { gateway: "ghcr.io/openclaw/openclaw:2026.4.15" },
      admission: { latestTag },
      cluster: {
        foundationStack: "acme-corp/agent-platform/prod-foundation",
        deployerRoleArn: "arn:aws:iam::123456789012:role/deployer",
        publicAccessCidrs: [`3.${accessOctet}.0.0/24`],
      },
      alertWebhookUrl: `https://hooks.${domain}/alerts`,
      tenants,
    })),
  );
const SECRETS = ["alertWebhookUrl"];

type Config = Record<string, any>;
interface Corruption {
  key: string;
  apply(config: Config): Config;
}

const withTenants = (config: Config, tenants: Config[]) => ({ ...config, tenants: [...config.tenants, ...tenants] });

/** One broken rule each, with the config key the error must name. */
const corruption: fc.Arbitrary<(config: Config) => Corruption> = fc.oneof(
  fc.constantFrom("Acme", "acme_corp", "1acme", "-acme", "acme-", "a".repeat(41), "").map((id) => (c: Config) => ({
    key: `agent-platform:tenants[${c.tenants.length}].id`,
    apply: (config: Config) => withTenants(config, [{ id, modelProvider: "anthropic" }]),
  })),
  fc.constant((c: Config) => ({
    key: `agent-platform:tenants[${c.tenants.length + 1}].id`,
    apply: (config: Config) =>
      withTenants(config, [
        { id: "dup", modelProvider: "openai" },
        { id: "dup", modelProvider: "openai" },
      ]),
  })),
  fc.constantFrom("20GB", "-1Gi", "1.5.0Gi", "lots", "0", "2Ti", "512Mi").map((storage) => (c: Config) => ({
    key: `agent-platform:tenants[${c.tenants.length}].storage`,
    apply: (config: Config) => withTenants(config, [{ id: "quota-tenant", modelProvider: "openai", storage }]),
  })),
  fc.constantFrom("https://api.openai.com", "*.openai.com", "api", "API.OPENAI.COM", "10.0.0.1").map((host) => (c: Config) => ({
    key: `agent-platform:tenants[${c.tenants.length}].allowedApiHosts[0]`,
    apply: (config: Config) => withTenants(config, [{ id: "host-tenant", modelProvider: "openai", allowedApiHosts: [host] }]),
  })),
  fc.constantFrom("203.0.113.0/24", "198.51.100.0/24", "192.0.2.10/32", "10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "3.0.0.1/16", "300.0.0.0/16").map(
    (cidr) => () => ({
      key: "agent-platform:cluster.publicAccessCidrs[0]",
      apply: (config: Config) => ({ ...config, cluster: { ...config.cluster, publicAccessCidrs: [cidr] } }),
    }),
  ),
  fc.integer({ min: -5, max: 2 }).map((replicas) => () => ({
    key: "agent-platform:platformApi.replicas",
    apply: (config: Config) => ({ ...config, platformApi: { ...config.platformApi, replicas } }),
  })),
  fc.constantFrom("ghcr.io/openclaw/openclaw", "ghcr.io/openclaw/openclaw:latest", "Bad Image").map((gateway) => () => ({
    key: "agent-platform:agentImages.gateway",
    apply: (config: Config) => ({ ...config, agentImages: { gateway } }),
  })),
  fc.constantFrom("domian", "tenant", "clusterr").map((typo) => () => ({
    key: `agent-platform:${typo}`,
    apply: (config: Config) => ({ ...config, [typo]: "x" }),
  })),
);

describe("stack configuration, property-based", () => {
  it("accepts every generated valid configuration", () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        expect(parseStackConfig(config, SECRETS).tenants.map((t) => t.id)).toEqual(config.tenants.map((t: Config) => t.id));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects every generated invalid configuration with an error naming the broken key", () => {
    fc.assert(
      fc.property(validConfig, corruption, (config, corrupt) => {
        const { key, apply } = corrupt(config);
        let error: unknown;
        try {
          parseStackConfig(apply(config), SECRETS);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems.map((p) => p.key)).toContain(key);
      }),
      { numRuns: 300 },
    );
  });

  it("builds the program for generated valid configurations", async () => {
    await fc.assert(
      fc.asyncProperty(validConfig, async (config) => {
        const run = await runProgram({ configOnly: true, config: { ...config, "aws:region": "us-east-1" }, secretConfigKeys: SECRETS });
        expect(run.outputs.tenants).toEqual(config.tenants.map((t: Config) => t.id));
      }),
      { numRuns: 10 },
    );
    // Ten whole programs under the mock engine: minutes on a loaded two-core machine.
  }, 600_000);

  it("declares nothing for generated invalid configurations", async () => {
    await fc.assert(
      fc.asyncProperty(validConfig, corruption, async (config, corrupt) => {
        const { key, apply } = corrupt(config);
        const error = await runProgram({ configOnly: true, config: { ...apply(config), "aws:region": "us-east-1" }, secretConfigKeys: SECRETS }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ProgramFailed);
        expect((error as ProgramFailed).message).toContain(`  - ${key}: `);
        expect((error as ProgramFailed).resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
      }),
      { numRuns: 25 },
    );
  }, 600_000);
});
