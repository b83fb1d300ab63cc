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
}

export const TENANT_PLANS: Record<TenantPlanName, TenantPlan> = {
  small: { cpu: "1", memory: "2Gi", storage: "10Gi" },
  medium: { cpu: "2", memory: "4Gi", storage: "20Gi" },
  large: { cpu: "4", memory: "8Gi", storage: "50Gi" },
};

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

export const DEFAULTS = {
  stackRole: "all",
  cluster: {
    mode: "eks",
    kubernetesVersion: "1.35",
    vpcCidr: "10.0.0.0/16",
    availabilityZoneCount: 3,
    publicAccessCidrs: [] as string[],
    adminRoleArns: [] as string[],
    gvisorVersion: "20261005.0",
    systemNodes: { instanceTypes: ["m7i.large"], minSize: 3, desiredSize: 3, maxSize: 6, diskSizeGiB: 50 },
    sandboxNodes: { instanceTypes: ["m7i.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 30, diskSizeGiB: 100 },
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
  },
} as const;

/** Keys whose values must be Pulumi secrets (`pulumi config set --secret`). */
export const SECRET_KEYS = ["alertWebhookUrl"] as const;
