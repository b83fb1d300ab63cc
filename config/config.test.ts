import { ConfigError } from "./errors";
import { parseFoundationConfig, parseStackConfig, parseTenantsConfig } from "./load";
import { dataTierSettings } from "./schema";

const FOUNDATION_STACK = "acme-corp/agent-platform/prod-foundation";
const DEPLOYER = "arn:aws:iam::123456789012:role/deployer";
const valid = (): Record<string, unknown> => ({
  domain: "agents.example.com",
  hostedZoneId: "Z0123456789ABCDEFGHIJ",
  acmeEmail: "platform@example.com",
  cluster: { foundationStack: FOUNDATION_STACK, deployerRoleArn: DEPLOYER },
  platformApi: { image: "ghcr.io/example/api:1.0.0" },
  agentImages: { gateway: "ghcr.io/openclaw/openclaw:2026.4.15" },
  tenants: [{ id: "acme", modelProvider: "anthropic" }],
  alertWebhookUrl: "https://hooks.slack.com/services/T000/B000/XXXX",
});
const withCluster = (cluster: Record<string, unknown>) => ({ ...valid(), cluster: { foundationStack: FOUNDATION_STACK, deployerRoleArn: DEPLOYER, ...cluster } });
const SECRETS = ["alertWebhookUrl"];

function messages(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.rule} (got ${p.value})`);
  }
  throw new Error("expected the configuration to be rejected");
}

function problemsOf(raw: Record<string, unknown>, secretKeys: string[] = SECRETS): string[] {
  return messages(() => parseStackConfig(raw, secretKeys));
}

describe("stack configuration", () => {
  it("applies the documented defaults to a minimal configuration", () => {
    const config = parseStackConfig(valid(), SECRETS);
    expect(config.stackRole).toBe("all");
    expect(config.cluster).toEqual({
      mode: "eks",
      kubernetesVersion: "1.35",
      vpcCidr: "10.0.0.0/16",
      foundationStack: FOUNDATION_STACK,
      deployerRoleArn: DEPLOYER,
      publicAccessCidrs: [],
      adminRoleArns: [],
      gvisorVersion: "20261005.0",
      gvisorSha512: {
        runsc: "0e0a278f73a3017c45d6fa790ca06a3f62c272c873b504c514efafb3ddacc9ea0f372376128bff8ffe3d766d7cd5f22ceda8bab8075ea10e1064e065d21d8266",
        "containerd-shim-runsc-v1":
          "1a30ac91bef05cd8f00a2516a341ffcbe9a6f8a034792f17bfe1957617dfec3d64d41fa6b84ad7bcd5b13406889a6737e672fdd501be3cb349f788ff8dccf961",
      },
      systemNodes: { instanceTypes: ["m7i.large"], minSize: 3, desiredSize: 3, maxSize: 6, diskSizeGiB: 50 },
      sandboxNodes: { instanceTypes: ["m7i.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 30, diskSizeGiB: 100 },
    });
    expect(config.platformApi).toEqual({ image: "ghcr.io/example/api:1.0.0", replicas: 3, port: 8080 });
    expect(config.agentImages.authGuard).toBe("quay.io/oauth2-proxy/oauth2-proxy:v7.12.0");
    expect(config.admission).toEqual({ latestTag: "warn", allowedRegistries: [] });
    expect(config.vault).toEqual({ configure: false });
    expect(config.tenants).toEqual([
      { id: "acme", modelProvider: "anthropic", plan: "small", allowedApiHosts: ["api.anthropic.com"], storage: "10Gi", lifecycle: "active" },
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

  it("rejects a domain whose xn-- label is not Punycode, which no https URL on it would accept", () => {
    expect(problemsOf({ ...valid(), domain: "xn--0.a0.com", alertWebhookUrl: "https://hooks.example.com/x" })).toEqual([
      'agent-platform:domain: must be a fully qualified lowercase DNS name (labels of letters, digits and \'-\', at least one dot, no wildcard, no scheme or port) (got "xn--0.a0.com")',
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

  it("rejects malformed API access CIDRs and an API open to the internet", () => {
    expect(problemsOf(withCluster({ publicAccessCidrs: ["0.0.0.0/0", "203.0.113.0/33"] }))).toEqual([
      'agent-platform:cluster.publicAccessCidrs[0]: must not open the Kubernetes API to the whole internet (got "0.0.0.0/0")',
      'agent-platform:cluster.publicAccessCidrs[1]: must be an IPv4 CIDR block with no host bits set, e.g. 10.0.0.0/16 (got "203.0.113.0/33")',
    ]);
  });

  it("refuses documentation and non-routable ranges in publicAccessCidrs, naming the key and the range", () => {
    const rule = "must be a public, routable range (an operator's static egress address)";
    const cidrs = ["203.0.113.0/24", "198.51.100.7/32", "192.0.2.0/28", "10.20.0.0/16", "100.64.0.0/10", "169.254.169.254/32", "0.0.0.0/1"];
    expect(problemsOf(withCluster({ publicAccessCidrs: cidrs }))).toEqual([
      `agent-platform:cluster.publicAccessCidrs[0]: ${rule}: 203.0.113.0/24 is TEST-NET-3, reserved for documentation (RFC 5737) (got "203.0.113.0/24")`,
      `agent-platform:cluster.publicAccessCidrs[1]: ${rule}: 198.51.100.0/24 is TEST-NET-2, reserved for documentation (RFC 5737) (got "198.51.100.7/32")`,
      `agent-platform:cluster.publicAccessCidrs[2]: ${rule}: 192.0.2.0/24 is TEST-NET-1, reserved for documentation (RFC 5737) (got "192.0.2.0/28")`,
      `agent-platform:cluster.publicAccessCidrs[3]: ${rule}: 10.0.0.0/8 is private address space (RFC 1918) (got "10.20.0.0/16")`,
      `agent-platform:cluster.publicAccessCidrs[4]: ${rule}: 100.64.0.0/10 is shared carrier-grade NAT space (RFC 6598) (got "100.64.0.0/10")`,
      `agent-platform:cluster.publicAccessCidrs[5]: ${rule}: 169.254.0.0/16 is link-local (RFC 3927) (got "169.254.169.254/32")`,
      `agent-platform:cluster.publicAccessCidrs[6]: ${rule}: 0.0.0.0/8 is "this network" (RFC 791) (got "0.0.0.0/1")`,
    ]);
    expect(parseStackConfig(withCluster({ publicAccessCidrs: ["52.94.76.0/24", "3.5.140.2/32"] }), SECRETS).cluster.publicAccessCidrs).toEqual([
      "52.94.76.0/24",
      "3.5.140.2/32",
    ]);
  });

  it("requires the foundation stack and the deployer role of an eks platform stack", () => {
    expect(problemsOf({ ...valid(), cluster: {} })).toEqual([
      "agent-platform:cluster.foundationStack: is required when cluster.mode is eks: <organization>/<project>/<stack> of the foundation stack that holds the VPC and the in-VPC deploy runner (docs/decisions/delivery.md) (got nothing)",
      "agent-platform:cluster.deployerRoleArn: is required when cluster.mode is eks: the role CI deploys with, named so that key policies and access entries do not change with whoever runs a preview (got nothing)",
    ]);
  });

  it("requires the SHA-512 of any gVisor release but the pinned one, next to its version", () => {
    expect(problemsOf(withCluster({ gvisorVersion: "20261201.0" }))).toEqual([
      "agent-platform:cluster.gvisorSha512: is required when gvisorVersion is not 20261005.0: pin the SHA-512 of that release's x86_64 runsc and containerd-shim-runsc-v1 next to it (got nothing)",
    ]);
    expect(problemsOf(withCluster({ gvisorVersion: "20261201.0", gvisorSha512: { runsc: "abc", "containerd-shim-runsc-v1": "f".repeat(128) } }))).toEqual([
      'agent-platform:cluster.gvisorSha512.runsc: must be a SHA-512 digest: 128 lowercase hex digits (got "abc")',
    ]);
    const pinned = { runsc: "a".repeat(128), "containerd-shim-runsc-v1": "b".repeat(128) };
    expect(parseStackConfig(withCluster({ gvisorVersion: "20261201.0", gvisorSha512: pinned }), SECRETS).cluster.gvisorSha512).toEqual(pinned);
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
    const raw = { ...withCluster({ kubernetesVersion: "1.35", replcas: 3 }), tenant: [] };
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
  });

  it("never prints a secret value in an error", () => {
    const raw = { ...valid(), alertWebhookUrl: "http://hooks.example.com/very-secret-token" };
    const problems = problemsOf(raw, ["alertWebhookUrl"]);
    expect(problems).toEqual(["agent-platform:alertWebhookUrl: must be an https:// URL (got [secret])"]);
  });
});

describe("foundation stack configuration", () => {
  const runner = { repository: "acme-corp/agent-platform", connectionArn: "arn:aws:codeconnections:us-east-1:123456789012:connection/0b3c8f1e-6a2d-4c7e-9f15-2d8e4a6b7c90" };
  const foundation = (settings: Record<string, unknown> = {}) => ({ stackRole: "foundation", foundation: { clusterName: "agent-platform-prod", runner, ...settings } });
  const foundationProblems = (raw: Record<string, unknown>) => messages(() => parseFoundationConfig(raw));

  it("applies the documented defaults: a /16, three zones chosen by the program, a medium runner", () => {
    expect(parseFoundationConfig(foundation()).foundation).toEqual({
      clusterName: "agent-platform-prod",
      vpcCidr: "10.0.0.0/16",
      availabilityZoneCount: 3,
      runner: { ...runner, computeType: "BUILD_GENERAL1_MEDIUM", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0" },
    });
    expect(parseFoundationConfig(foundation({ availabilityZoneIds: ["use1-az4", "use1-az1", "use1-az2", "use1-az6"] })).foundation.availabilityZoneCount).toBe(4);
  });

  it("refuses zone names, Local Zones, duplicates and the zone IDs where EKS refuses cluster subnets", () => {
    const zoneIdRule = "must be an Availability Zone ID such as use1-az1 (not a zone name such as us-east-1a, nor a Local or Wavelength Zone)";
    expect(foundationProblems(foundation({ availabilityZoneIds: ["us-east-1a", "use1-bos1-az1", "use1-az3", "use1-az1", "use1-az1"] }))).toEqual([
      `agent-platform:foundation.availabilityZoneIds[0]: ${zoneIdRule} (got "us-east-1a")`,
      `agent-platform:foundation.availabilityZoneIds[1]: ${zoneIdRule} (got "use1-bos1-az1")`,
      'agent-platform:foundation.availabilityZoneIds[2]: is a zone where EKS refuses cluster subnets (use1-az3, usw1-az2, cac1-az3; EKS user guide, subnet requirements) (got "use1-az3")',
      'agent-platform:foundation.availabilityZoneIds[4]: duplicate zone ID (got "use1-az1")',
    ]);
    expect(foundationProblems(foundation({ availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"], availabilityZoneCount: 4 }))).toEqual([
      "agent-platform:foundation.availabilityZoneCount: must equal the number of availabilityZoneIds (3), or be left out (got 4)",
    ]);
  });

  it("refuses a public or oversized VPC block, a malformed runner and any platform setting", () => {
    const raw = {
      ...foundation({ vpcCidr: "10.0.0.1/16", runner: { repository: "agent-platform", connectionArn: "arn:aws:iam::123456789012:role/x" } }),
      domain: "agents.example.com",
    };
    expect(foundationProblems(raw)).toEqual([
      'agent-platform:foundation.vpcCidr: must be an IPv4 CIDR block with no host bits set, e.g. 10.0.0.0/16 (got "10.0.0.1/16")',
      'agent-platform:foundation.vpcCidr: must be a private (RFC 1918) block between /16 and /20, room for six subnets (got "10.0.0.1/16")',
      'agent-platform:foundation.runner.repository: must be a GitHub repository as <owner>/<name> (got "agent-platform")',
      'agent-platform:foundation.runner.connectionArn: must be the ARN of an AWS CodeConnections connection, e.g. arn:aws:codeconnections:us-east-1:123456789012:connection/<uuid> (got "arn:aws:iam::123456789012:role/x")',
      'agent-platform:domain: is not a known setting (check the spelling against Pulumi.yaml) (got "agents.example.com")',
    ]);
    expect(foundationProblems(foundation({ vpcCidr: "8.8.0.0/16" }))).toEqual([
      'agent-platform:foundation.vpcCidr: must be a private (RFC 1918) block between /16 and /20, room for six subnets (got "8.8.0.0/16")',
    ]);
  });
  it("DATA-01 DATA-03 give the data tier its documented defaults, and refuse sizes, retention and windows outside the rules, naming each field", () => {
    expect(dataTierSettings(parseStackConfig(valid(), SECRETS))).toEqual({
      database: {
        instanceClass: "db.m7g.large",
        allocatedStorageGiB: 50,
        maxAllocatedStorageGiB: 200,
        backupRetentionDays: 14,
        backupWindow: "03:00-04:00",
        maintenanceWindow: "sun:04:30-sun:05:30",
      },
      cache: { nodeType: "cache.m7g.large", numCacheClusters: 2, snapshotRetentionDays: 7, snapshotWindow: "02:00-03:00", maintenanceWindow: "sun:05:30-sun:06:30" },
    });
    const configured = parseStackConfig({ ...valid(), dataTier: { database: { backupRetentionDays: 30 }, cache: { numCacheClusters: 3 } } }, SECRETS);
    expect([dataTierSettings(configured).database.backupRetentionDays, dataTierSettings(configured).database.instanceClass, dataTierSettings(configured).cache.numCacheClusters]).toEqual([
      30,
      "db.m7g.large",
      3,
    ]);
    const raw = {
      ...valid(),
      dataTier: {
        database: { instanceClass: "m7g.large", backupRetentionDays: 3, allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50, maintenanceWindow: "sunday 4am" },
        cache: { numCacheClusters: 1, snapshotWindow: "25:00-26:00" },
        password: "hunter22",
      },
    };
    expect(problemsOf(raw)).toEqual([
      'agent-platform:dataTier.database.instanceClass: must be an RDS instance class, e.g. db.m7g.large (got "m7g.large")',
      "agent-platform:dataTier.database.backupRetentionDays: must be at least 7 (DATA-01: a week of point-in-time recovery) (got 3)",
      'agent-platform:dataTier.database.maintenanceWindow: must be a UTC window ddd:hh:mm-ddd:hh:mm, e.g. sun:04:30-sun:05:30 (got "sunday 4am")',
      "agent-platform:dataTier.database.maxAllocatedStorageGiB: must be at least allocatedStorageGiB (100) (got 50)",
      "agent-platform:dataTier.cache.numCacheClusters: must be at least 2 (DATA-03: a replica in another zone to fail over to) (got 1)",
      'agent-platform:dataTier.cache.snapshotWindow: must be a UTC window hh:mm-hh:mm, e.g. 03:00-04:00 (got "25:00-26:00")',
      'agent-platform:dataTier.password: is not a known setting (check the spelling against Pulumi.yaml) (got "hunter22")',
    ]);
    expect(problemsOf({ ...valid(), dataTier: { database: { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 } } })).toEqual([
      "agent-platform:dataTier.database.maxAllocatedStorageGiB: must be at least allocatedStorageGiB (100) (got 50)",
    ]);
  });
});

describe("tenants stack configuration", () => {
  const shard = { stackRole: "tenants", platformStack: "acme-corp/agent-platform/prod", tenants: [{ id: "hooli", modelProvider: "mistral" }] };

  it("needs only the platform stack and its tenants, each active unless told otherwise", () => {
    const config = parseTenantsConfig(shard);
    expect(config).toEqual({
      stackRole: "tenants",
      platformStack: "acme-corp/agent-platform/prod",
      vault: { configure: false },
      tenants: [{ id: "hooli", modelProvider: "mistral", plan: "small", lifecycle: "active", allowedApiHosts: ["api.mistral.ai"], storage: "10Gi" }],
    });
  });

  it("requires the platform stack it runs on", () => {
    expect(messages(() => parseTenantsConfig({ stackRole: "tenants", tenants: [] }))).toEqual(["agent-platform:platformStack: is required (got nothing)"]);
  });

  it("refuses platform settings, which a tenants stack reads from the platform stack's outputs", () => {
    expect(messages(() => parseTenantsConfig({ ...shard, domain: "agents.example.com", agentImages: {} }))).toEqual([
      "agent-platform:domain: is not a setting of a tenants stack: its tenants read the platform's from the platform stack's outputs (got \"agents.example.com\")",
      "agent-platform:agentImages: is not a setting of a tenants stack: its tenants read the platform's from the platform stack's outputs (got {})",
    ]);
  });

  it("names the lifecycles a tenant may be in", () => {
    expect(messages(() => parseTenantsConfig({ ...shard, tenants: [{ id: "hooli", modelProvider: "mistral", lifecycle: "paused" }] }))).toEqual([
      'agent-platform:tenants[0].lifecycle: Invalid option: expected one of "active"|"suspended"|"deleted"|"purging" (got "paused")',
    ]);
  });
});
