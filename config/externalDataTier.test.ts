import { ConfigError } from "./errors";
import { parseStackConfig } from "./load";
import { dataTierSettings } from "./schema";

const SECRETS = ["alertWebhookUrl"];
const base = (): Record<string, unknown> => ({
  domain: "agents.example.com",
  hostedZoneId: "Z0123456789ABCDEFGHIJ",
  acmeEmail: "platform@example.com",
  platformApi: { image: "ghcr.io/example/api:1.0.0" },
  agentImages: { gateway: "ghcr.io/openclaw/openclaw:2026.4.15" },
  tenants: [],
  alertWebhookUrl: "https://hooks.slack.com/services/T000/B000/XXXX",
});
const EXISTING = { mode: "existing", kubeconfigContext: "ops" };
const EKS = { foundationStack: "acme-corp/agent-platform/prod-foundation", deployerRoleArn: "arn:aws:iam::123456789012:role/deployer" };
const EXTERNAL = {
  database: { host: "pg.internal.example.com", user: "platform_api", cidrs: ["10.20.0.0/24"] },
  cache: { host: "10.30.1.15", port: 6380, user: "platform-api", cidrs: ["10.30.1.0/24", "10.30.2.0/24"] },
};
const existing = (dataTier: unknown) => ({ ...base(), cluster: EXISTING, dataTier });

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw, SECRETS);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.rule} (got ${p.value})`);
  }
  throw new Error("expected the configuration to be rejected");
}

describe("dataTier.external: the operator's stores on an existing cluster", () => {
  it("DATA-02 DATA-04 takes the operator's stores' hosts, users and private ranges, with the default ports and database name", () => {
    expect(parseStackConfig(existing({ external: EXTERNAL }), SECRETS).dataTier).toEqual({
      external: {
        database: { host: "pg.internal.example.com", port: 5432, name: "platform", user: "platform_api", cidrs: ["10.20.0.0/24"] },
        cache: { host: "10.30.1.15", port: 6380, user: "platform-api", cidrs: ["10.30.1.0/24", "10.30.2.0/24"] },
      },
    });
    // Unset, an existing cluster has no data tier at all.
    expect(parseStackConfig({ ...base(), cluster: EXISTING }, SECRETS).dataTier).toBeUndefined();
  });

  it("refuses the sizing keys on an existing cluster, and external on EKS, naming each key", () => {
    expect(problemsOf(existing({ cache: { numCacheClusters: 3 }, database: {} }))).toEqual([
      'agent-platform:dataTier.database: applies only when cluster.mode is eks: the program declares no data store on an existing cluster; name the operator\'s stores in dataTier.external (docs/decisions/data-tier-network.md) (got {})',
      'agent-platform:dataTier.cache: applies only when cluster.mode is eks: the program declares no data store on an existing cluster; name the operator\'s stores in dataTier.external (docs/decisions/data-tier-network.md) (got {"numCacheClusters":3})',
    ]);
    expect(problemsOf({ ...base(), cluster: EKS, dataTier: { external: EXTERNAL } })).toEqual([
      'agent-platform:dataTier.external: applies only when cluster.mode is existing: on EKS the program declares the data tier itself, in the foundation\'s private subnets (got {"database":{"host":"pg.internal.example.com","user":"platform_api","cidrs":[...)',
    ]);
    // The eks mode's own settings still apply there, defaults included.
    expect(dataTierSettings(parseStackConfig({ ...base(), cluster: EKS, dataTier: { cache: { numCacheClusters: 3 } } }, SECRETS)).cache.numCacheClusters).toBe(3);
  });

  it("DATA-02 DATA-04 refuses hosts, ports, names, users and ranges outside the rules, and any password key, naming each field", () => {
    const raw = existing({
      external: {
        database: { host: "postgres://pg:5432", port: 0, name: "Platform", user: "platform-api", cidrs: ["8.8.8.0/24", "10.20.0.1/24"], password: "hunter22" },
        cache: { host: "10.9.9.9", user: "platform api", cidrs: [] },
      },
    });
    expect(problemsOf(raw)).toEqual([
      'agent-platform:dataTier.external.database.host: must be a DNS name or an IPv4 address, e.g. db.internal.example.com or 10.20.0.15 (no scheme or port) (got "postgres://pg:5432")',
      "agent-platform:dataTier.external.database.port: Too small: expected number to be >=1 (got 0)",
      "agent-platform:dataTier.external.database.name: must be a PostgreSQL database name: lowercase letters, digits and '_', at most 63 (got \"Platform\")",
      "agent-platform:dataTier.external.database.user: must be a PostgreSQL role name: lowercase letters, digits and '_', at most 63 (got \"platform-api\")",
      'agent-platform:dataTier.external.database.cidrs[0]: must be a private (RFC 1918) range: the API\'s egress opens the store\'s port to it (got "8.8.8.0/24")',
      'agent-platform:dataTier.external.database.cidrs[1]: must be an IPv4 CIDR block with no host bits set, e.g. 10.0.0.0/16 (got "10.20.0.1/24")',
      'agent-platform:dataTier.external.database.password: is not a known setting (check the spelling against Pulumi.yaml) (got "hunter22")',
      "agent-platform:dataTier.external.cache.user: must be a Redis ACL user name: letters, digits, '_', '.' and '-', at most 64 (got \"platform api\")",
      "agent-platform:dataTier.external.cache.cidrs: must list at least one private range the store lives in (NetworkPolicy cannot name a host) (got [])",
    ]);
    expect(problemsOf(existing({ external: { ...EXTERNAL, cache: { ...EXTERNAL.cache, host: "10.9.9.9" } } }))).toEqual([
      'agent-platform:dataTier.external.cache.host: must lie in one of cidrs (10.30.1.0/24, 10.30.2.0/24) (got "10.9.9.9")',
    ]);
  });
});
