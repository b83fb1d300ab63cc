import { ConfigError } from "./errors";
import { parseStackConfig } from "./load";

const valid = () => ({
  domain: "agents.example.com",
  hostedZoneId: "Z0123456789ABCDEFGHIJ",
  acmeEmail: "platform@example.com",
  platformApi: { image: "ghcr.io/example/api:1.0.0" },
  agentImages: { gateway: "ghcr.io/openclaw/openclaw:2026.4.15" },
  tenants: [{ id: "acme", modelProvider: "anthropic" }],
  alertWebhookUrl: "https://hooks.slack.com/services/T000/B000/XXXX",
});
const SECRETS = ["alertWebhookUrl"];

function problemsOf(raw: Record<string, unknown>, secretKeys: string[] = SECRETS): string[] {
  try {
    parseStackConfig(raw, secretKeys);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.rule} (got ${p.value})`);
  }
  throw new Error("expected the configuration to be rejected");
}

describe("stack configuration", () => {
  it("applies the documented defaults to a minimal configuration", () => {
    const config = parseStackConfig(valid(), SECRETS);
    expect(config.stackRole).toBe("all");
    expect(config.cluster).toEqual({
      mode: "eks",
      kubernetesVersion: "1.35",
      vpcCidr: "10.0.0.0/16",
      availabilityZoneCount: 3,
      publicAccessCidrs: [],
      adminRoleArns: [],
      gvisorVersion: "20261005.0",
      systemNodes: { instanceTypes: ["m7i.large"], minSize: 3, desiredSize: 3, maxSize: 6, diskSizeGiB: 50 },
      sandboxNodes: { instanceTypes: ["m7i.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 30, diskSizeGiB: 100 },
    });
    expect(config.platformApi).toEqual({ image: "ghcr.io/example/api:1.0.0", replicas: 3, port: 8080 });
    expect(config.agentImages.authGuard).toBe("quay.io/oauth2-proxy/oauth2-proxy:v7.12.0");
    expect(config.admission).toEqual({ latestTag: "warn", allowedRegistries: [] });
    expect(config.vault).toEqual({ configure: false });
    expect(config.tenants).toEqual([
      { id: "acme", modelProvider: "anthropic", plan: "small", allowedApiHosts: ["api.anthropic.com"], storage: "10Gi" },
    ]);
  });

  it("names the key, the rule and the value of a bad tenant id", () => {
    const raw = { ...valid(), tenants: [{ id: "Acme_Corp", modelProvider: "anthropic" }] };
    expect(problemsOf(raw)).toEqual([
      `agent-platform:tenants[0].id: must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (got "Acme_Corp")`,
    ]);
  });

  it("rejects a tenant id longer than the namespace prefix allows", () => {
    const id = "a".repeat(41);
    const raw = { ...valid(), tenants: [{ id, modelProvider: "openai" }] };
    expect(problemsOf(raw)).toEqual([`agent-platform:tenants[0].id: must be at most 40 characters (got "${id}")`]);
  });

  it("rejects duplicate tenant ids, pointing at the second", () => {
    const raw = {
      ...valid(),
      tenants: [
        { id: "acme", modelProvider: "anthropic" },
        { id: "globex", modelProvider: "openai" },
        { id: "acme", modelProvider: "openai" },
      ],
    };
    expect(problemsOf(raw)).toEqual([
      `agent-platform:tenants[2].id: duplicates the id of tenants[0]; tenant ids must be unique (got "acme")`,
    ]);
  });

  it("rejects malformed and out-of-range quantities", () => {
    const raw = {
      ...valid(),
      tenants: [
        { id: "acme", modelProvider: "anthropic", storage: "20GB" },
        { id: "globex", modelProvider: "openai", storage: "5Ti" },
      ],
    };
    expect(problemsOf(raw)).toEqual([
      `agent-platform:tenants[0].storage: must be a Kubernetes quantity such as 500m, 2, 512Mi or 20Gi (got "20GB")`,
      `agent-platform:tenants[1].storage: must be between 1Gi and 1Ti (got "5Ti")`,
    ]);
  });

  it("rejects hostnames with a scheme, a wildcard or no dot", () => {
    const raw = {
      ...valid(),
      tenants: [{ id: "acme", modelProvider: "anthropic", allowedApiHosts: ["https://api.anthropic.com", "*.openai.com", "localhost"] }],
    };
    const rule =
      "must be a fully qualified lowercase DNS name (labels of letters, digits and '-', at least one dot, no wildcard, no scheme or port)";
    expect(problemsOf(raw)).toEqual([
      `agent-platform:tenants[0].allowedApiHosts[0]: ${rule} (got "https://api.anthropic.com")`,
      `agent-platform:tenants[0].allowedApiHosts[1]: ${rule} (got "*.openai.com")`,
      `agent-platform:tenants[0].allowedApiHosts[2]: ${rule} (got "localhost")`,
    ]);
  });

  it("requires allowed hosts for a provider without a well-known host", () => {
    const raw = { ...valid(), tenants: [{ id: "initech", modelProvider: "azure-openai" }] };
    expect(problemsOf(raw)).toEqual([
      "agent-platform:tenants[0].allowedApiHosts: is required for modelProvider azure-openai, which has no well-known API host (got nothing)",
    ]);
  });

  it("rejects CIDRs with host bits, public VPC ranges and an API open to the internet", () => {
    const raw = { ...valid(), cluster: { vpcCidr: "10.0.0.1/16", publicAccessCidrs: ["0.0.0.0/0", "203.0.113.0/33"] } };
    expect(problemsOf(raw)).toEqual([
      'agent-platform:cluster.vpcCidr: must be an IPv4 CIDR block with no host bits set, e.g. 10.0.0.0/16 (got "10.0.0.1/16")',
      'agent-platform:cluster.vpcCidr: must be a private (RFC 1918) block between /16 and /20, room for six subnets (got "10.0.0.1/16")',
      'agent-platform:cluster.publicAccessCidrs[0]: must not open the Kubernetes API to the whole internet (got "0.0.0.0/0")',
      'agent-platform:cluster.publicAccessCidrs[1]: must be an IPv4 CIDR block with no host bits set, e.g. 10.0.0.0/16 (got "203.0.113.0/33")',
    ]);
  });

  it("rejects unpinned and :latest images", () => {
    const raw = { ...valid(), platformApi: { image: "ghcr.io/example/api" }, agentImages: { gateway: "ghcr.io/openclaw/openclaw:latest" } };
    const rule =
      "must be a pinned image reference: [registry/]repository:tag or repository@sha256:<64 hex>, and the tag must not be 'latest'";
    expect(problemsOf(raw)).toEqual([
      `agent-platform:platformApi.image: ${rule} (got "ghcr.io/example/api")`,
      `agent-platform:agentImages.gateway: ${rule} (got "ghcr.io/openclaw/openclaw:latest")`,
    ]);
  });

  it("rejects fewer than three platform API replicas", () => {
    const raw = { ...valid(), platformApi: { image: "ghcr.io/example/api:1.0.0", replicas: 2 } };
    expect(problemsOf(raw)).toEqual([
      "agent-platform:platformApi.replicas: must be at least 3 (CLU-04: the platform API survives a node loss) (got 2)",
    ]);
  });

  it("names unknown keys so typos do not pass silently", () => {
    const raw = { ...valid(), cluster: { kubernetesVersion: "1.35", replcas: 3 }, tenant: [] };
    expect(problemsOf(raw)).toEqual([
      "agent-platform:cluster.replcas: is not a known setting (check the spelling against Pulumi.yaml) (got 3)",
      "agent-platform:tenant: is not a known setting (check the spelling against Pulumi.yaml) (got [])",
    ]);
  });

  it("reports missing required settings", () => {
    expect(problemsOf({})).toEqual([
      "agent-platform:domain: is required (got nothing)",
      "agent-platform:hostedZoneId: is required (got nothing)",
      "agent-platform:acmeEmail: is required (got nothing)",
      "agent-platform:platformApi: is required (got nothing)",
      "agent-platform:agentImages: is required (got nothing)",
    ]);
  });

  it("checks node pool sizes against each other and the existing-cluster context", () => {
    const raw = { ...valid(), cluster: { mode: "existing", sandboxNodes: { minSize: 4, desiredSize: 2, maxSize: 8 } } };
    expect(problemsOf(raw)).toEqual([
      "agent-platform:cluster.sandboxNodes.desiredSize: must lie between minSize (4) and maxSize (8) (got 2)",
      "agent-platform:cluster.kubeconfigContext: is required when cluster.mode is existing (got nothing)",
    ]);
  });

  it("requires the platform stack for a tenants shard", () => {
    expect(problemsOf({ ...valid(), stackRole: "tenants" })).toEqual([
      "agent-platform:platformStack: is required when stackRole is tenants (got nothing)",
    ]);
  });

  it("requires the Vault address once Vault is to be configured", () => {
    expect(problemsOf({ ...valid(), vault: { configure: true } })).toEqual([
      "agent-platform:vault.address: is required when vault.configure is true (got nothing)",
    ]);
  });

  it("SEC-06 refuses a secret setting given in plain text", () => {
    const raw = valid();
    expect(problemsOf(raw, [])).toEqual([
      "agent-platform:alertWebhookUrl: must be a secret: set it with `pulumi config set --secret alertWebhookUrl` (got [secret])",
    ]);
    expect(parseStackConfig(raw, ["alertWebhookUrl"]).alertWebhookUrl).toBe(raw.alertWebhookUrl);
  });

  it("CLU-06 refuses a platform stack whose detections and alerts would reach no one", () => {
    const raw: Record<string, unknown> = valid();
    delete raw.alertWebhookUrl;
    const problem =
      "agent-platform:alertWebhookUrl: is required when the stack holds the platform (stackRole all or platform): without it detections and alerts reach no one; set it with `pulumi config set --secret alertWebhookUrl <https URL>` (got nothing)";
    expect(problemsOf(raw)).toEqual([problem]);
    expect(problemsOf({ ...raw, stackRole: "platform", tenants: [] })).toEqual([problem]);
    // A tenants shard adds no detection of its own: the platform stack routes its alerts.
    expect(parseStackConfig({ ...raw, stackRole: "tenants", platformStack: "acme/agent-platform/prod" }).stackRole).toBe("tenants");
  });

  it("never prints a secret value in an error", () => {
    const raw = { ...valid(), alertWebhookUrl: "http://hooks.example.com/very-secret-token" };
    const problems = problemsOf(raw, ["alertWebhookUrl"]);
    expect(problems).toEqual(["agent-platform:alertWebhookUrl: must be an https:// URL (got [secret])"]);
  });
});
