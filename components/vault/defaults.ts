/**
 * Every default of the Vault component in one place: versions, names and sizes that the server,
 * the configuration, the secrets operator and the docs must agree on.
 */

export const VAULT_HELM_REPO = "https://helm.releases.hashicorp.com";

/** Chart 0.34.1 (2026-08-13) ships and was tested with Vault 2.0.4 (vault-helm release notes, PR #1204). */
export const VAULT_CHART_VERSION = "0.34.1";

/**
 * Pinned explicitly so a chart bump never changes the server silently. 2.0.4 is the chart's own
 * tested default; the 1.21 line gets no more Community patches now that 2.0 and 2.1 are out, and
 * 2.1 has not yet been tested by any chart release.
 */
export const VAULT_IMAGE = { repository: "hashicorp/vault", tag: "2.0.4" } as const;

/** Vault Secrets Operator; the chart version tracks the app version (release v1.5.1, 2026-08-12). */
export const VSO_CHART_VERSION = "1.5.1";
export const VSO_NAMESPACE = "vault-secrets-operator";

/** The AWS CLI that uploads snapshots; a v2 release pinned by tag. */
export const AWS_CLI_IMAGE = "amazon/aws-cli:2.37.5";

export const VAULT_NAMESPACE = "vault";
/** Helm release name; the chart derives its StatefulSet, Services and ServiceAccount from it. */
export const VAULT_RELEASE = "vault";
export const VAULT_SERVICE_ACCOUNT = "vault";
export const VAULT_REPLICAS = 3;

/** Secret that cert-manager fills with the server certificate, its key and the CA (ca.crt). */
export const VAULT_TLS_SECRET = "vault-server-tls";
export const VAULT_CA_SECRET = "vault-ca";
export const VAULT_TLS_DIR = `/vault/userconfig/${VAULT_TLS_SECRET}`;
export const VAULT_SELF_SIGNED_ISSUER = "vault-selfsigned";
export const VAULT_CA_ISSUER = "vault-ca";

export const VAULT_DATA_PATH = "/vault/data";
export const VAULT_AUDIT_DIR = "/vault/audit";
export const VAULT_AUDIT_FILE = `${VAULT_AUDIT_DIR}/audit.log`;
/** Where the configuration mounts its audit devices: the audit volume's file, and stdout. */
export const AUDIT_DEVICE_PATHS = ["file", "stdout"] as const;

export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";
export const DEFAULT_DATA_SIZE = "10Gi";
export const DEFAULT_AUDIT_SIZE = "10Gi";
export const DEFAULT_SERVER_RESOURCES = {
  requests: { cpu: "250m", memory: "256Mi" },
  limits: { cpu: "1", memory: "1Gi" },
};

/** The in-cluster address of whichever server is leader: snapshots and the operator use it. */
export const VAULT_ACTIVE_ADDR = `https://${VAULT_RELEASE}-active.${VAULT_NAMESPACE}.svc:8200`;

export const SNAPSHOT = {
  serviceAccount: "vault-snapshot",
  cronJob: "vault-snapshot",
  role: "raft-snapshot",
  policy: "raft-snapshot",
  /** Every six hours: at most six hours of secrets are lost when the whole cluster is. */
  schedule: "17 */6 * * *",
  prefix: "raft/",
  retentionDays: 30,
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
} as const;

/** Mounts, keys and policy names of the Vault configuration. */
export const VAULT_CONFIG = {
  transitPath: "transit",
  transitKey: "platform-credentials",
  transitKeyType: "aes256-gcm96",
  /** 90 days; older key versions stay usable for decryption. */
  transitRotateSeconds: 90 * 24 * 3600,
  kvPath: "agents",
  kubernetesPath: "kubernetes",
  kubernetesHost: "https://kubernetes.default.svc:443",
  agentPolicy: "agent-self",
  platformApiPolicy: "platform-api",
  platformApiRole: "platform-api",
  /** The audience agent tokens are minted for; role and VaultAuth must agree on it. */
  tokenAudience: "vault",
  agentTokenTtlSeconds: 900,
  agentTokenMaxTtlSeconds: 3600,
  /** Below the API's name limit; the secret the operator syncs for each agent. */
  aiProviderSecretPath: "ai-provider",
  aiProviderSecretName: "ai-provider-key",
  refreshAfter: "60s",
} as const;
