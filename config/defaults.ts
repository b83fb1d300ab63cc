/**
 * Every default the stack configuration applies lives here, so that the schema, the docs and the
 * components agree on one value.
 */

export const PROJECT = "agent-platform";

/** Namespaces of agent instances are `tenant-<id>`. */
export const TENANT_NAMESPACE_PREFIX = "tenant-";

/**
 * The longest tenant id. The longest name derived from an id is the agent StatefulSet's pod
 * `agent-<id>-0`, whose controller-revision-hash label `agent-<id>-<10 chars>` must fit 63
 * characters: 6 + id + 11 <= 63, so 46; 40 leaves room for a future suffix.
 */
export const TENANT_ID_MAX_LENGTH = 40;

/** EKS versions in standard support (1.34 leaves it on 2026-12-02) that this program is written against. */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.35", "1.36"] as const;

export type TenantPlanName = "small" | "medium" | "large";

/** The compute an agent instance gets per plan; quotas and limit ranges are derived from it. */
export interface TenantPlan {
  /** CPU limit of the agent container. */
  cpu: string;
  /** Memory limit of the agent container. */
  memory: string;
  /** Size of the agent's workspace volume. */
  storage: string;
  /** SEC-09 budget: provider API calls a tenant's egress proxy forwards per minute (a token bucket). */
  providerRequestsPerMinute: number;
  /** SEC-09 budget: the largest provider request body the proxy forwards, in bytes (413 beyond). */
  providerMaxRequestBytes: number;
}

export const TENANT_PLANS: Record<TenantPlanName, TenantPlan> = {
  small: { cpu: "1", memory: "2Gi", storage: "10Gi", providerRequestsPerMinute: 60, providerMaxRequestBytes: 4 * 2 ** 20 },
  medium: { cpu: "2", memory: "4Gi", storage: "20Gi", providerRequestsPerMinute: 180, providerMaxRequestBytes: 8 * 2 ** 20 },
  large: { cpu: "4", memory: "8Gi", storage: "50Gi", providerRequestsPerMinute: 600, providerMaxRequestBytes: 16 * 2 ** 20 },
};

/**
 * Where a tenant stands. `suspended`: its agent and egress proxy scaled to zero and its quota at
 * zero, everything else kept. `deleted`: only its namespace and workspace remain (retained), until
 * `purging` lets them go (docs/decisions/tenant-lifecycle.md).
 */
export const TENANT_LIFECYCLES = ["active", "suspended", "deleted", "purging"] as const;
export type TenantLifecycle = (typeof TENANT_LIFECYCLES)[number];

export type ModelProvider = "anthropic" | "openai" | "google" | "mistral" | "openrouter" | "azure-openai";

/** The API hosts an agent of each provider needs; azure-openai has per-customer hosts only. */
export const MODEL_PROVIDER_HOSTS: Record<ModelProvider, readonly string[]> = {
  anthropic: ["api.anthropic.com"],
  openai: ["api.openai.com"],
  google: ["generativelanguage.googleapis.com"],
  mistral: ["api.mistral.ai"],
  openrouter: ["openrouter.ai"],
  "azure-openai": [],
};

/**
 * SEC-09: how each provider's API takes its key, which the tenant's egress proxy adds (the agent
 * never holds it), and the base-URL variable its SDK reads, so the agent's SDK talks to the proxy
 * unchanged. `basePath` is the path the SDK expects the base URL to end with. Mistral's SDK reads
 * no base-URL variable: its agents use AGENT_PLATFORM_PROVIDER_BASE_URL.
 */
export interface ProviderCredential {
  /** The request header carrying the key. */
  header: string;
  /** What precedes the key in that header (`Bearer ` for OpenAI-style APIs). */
  prefix: string;
  /** The SDK's documented base-URL environment variable, if it has one. */
  baseUrlEnv?: string;
  basePath: string;
}

export const MODEL_PROVIDER_CREDENTIALS: Record<ModelProvider, ProviderCredential> = {
  anthropic: { header: "x-api-key", prefix: "", baseUrlEnv: "ANTHROPIC_BASE_URL", basePath: "" },
  openai: { header: "authorization", prefix: "Bearer ", baseUrlEnv: "OPENAI_BASE_URL", basePath: "/v1" },
  google: { header: "x-goog-api-key", prefix: "", baseUrlEnv: "GOOGLE_GEMINI_BASE_URL", basePath: "" },
  mistral: { header: "authorization", prefix: "Bearer ", basePath: "/v1" },
  openrouter: { header: "authorization", prefix: "Bearer ", baseUrlEnv: "OPENAI_BASE_URL", basePath: "/api/v1" },
  "azure-openai": { header: "api-key", prefix: "", baseUrlEnv: "AZURE_OPENAI_ENDPOINT", basePath: "" },
};

/** Every header a provider accepts a key in: the proxy strips all of them from what the agent sends. */
export const PROVIDER_CREDENTIAL_HEADERS = ["authorization", "x-api-key", "api-key", "x-goog-api-key", "proxy-authorization"] as const;

/**
 * The gVisor release sandbox nodes install, and the SHA-512 of its two x86_64 binaries. The digests
 * are reviewed in git next to the version: the node compares the download against them, not against
 * a checksum file fetched from the same bucket (which would prove integrity, not authenticity).
 * Recorded from the files inside the release's gvisor.tar.bz2, whose published .sha512 matched;
 * re-check with `curl -fsSL https://storage.googleapis.com/gvisor/releases/release/<version>/x86_64/runsc.sha512`
 * (and containerd-shim-runsc-v1.sha512) whenever the version changes.
 */
export const GVISOR_RELEASE = {
  version: "20261005.0",
  sha512: {
    runsc: "0e0a278f73a3017c45d6fa790ca06a3f62c272c873b504c514efafb3ddacc9ea0f372376128bff8ffe3d766d7cd5f22ceda8bab8075ea10e1064e065d21d8266",
    "containerd-shim-runsc-v1":
      "1a30ac91bef05cd8f00a2516a341ffcbe9a6f8a034792f17bfe1957617dfec3d64d41fa6b84ad7bcd5b13406889a6737e672fdd501be3cb349f788ff8dccf961",
  },
} as const;

/**
 * Zone IDs where EKS refuses cluster (control-plane) subnets: EKS user guide,
 * networking/network-reqs.adoc, "Subnet requirements for clusters". Zone IDs, not names: a name
 * maps to a different physical zone in every account.
 */
export const EKS_REFUSED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"] as const;

export const DEFAULTS = {
  stackRole: "all",
  cluster: {
    mode: "eks",
    kubernetesVersion: "1.35",
    /** The foundation's default VPC: the two stacks agree unless one is configured otherwise. */
    vpcCidr: "10.0.0.0/16",
    publicAccessCidrs: [] as string[],
    adminRoleArns: [] as string[],
    gvisorVersion: GVISOR_RELEASE.version,
    systemNodes: { instanceTypes: ["m7i.large"], minSize: 3, desiredSize: 3, maxSize: 6, diskSizeGiB: 50 },
    sandboxNodes: { instanceTypes: ["m7i.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 30, diskSizeGiB: 100 },
  },
  foundation: {
    vpcCidr: "10.0.0.0/16",
    availabilityZoneCount: 3,
    runner: {
      computeType: "BUILD_GENERAL1_MEDIUM",
      /** CodeBuild's curated Amazon Linux 2023 image: Docker, AWS CLI v2, git; Node comes from .nvmrc. */
      image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
    },
  },
  platformApi: {
    replicas: 3,
    port: 8080,
  },
  agentImages: {
    /** oauth2-proxy validates bearer tokens (OIDC/JWT) in front of each agent gateway. */
    authGuard: "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0",
  },
  admission: {
    latestTag: "warn",
    allowedRegistries: [] as string[],
  },
  vault: {
    /** Off on the first `pulumi up`: Vault must be initialised before it can be configured. */
    configure: false,
  },
  tenant: {
    plan: "small" as TenantPlanName,
    lifecycle: "active" as TenantLifecycle,
  },
} as const;

/** Keys whose values must be Pulumi secrets (`pulumi config set --secret`). */
export const SECRET_KEYS = ["alertWebhookUrl"] as const;
