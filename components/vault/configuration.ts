import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { TENANT_ID_MAX_LENGTH } from "../../config/defaults";
import { isDns1123Label } from "../../config/rules";
import { AUDIT_DEVICE_PATHS, SNAPSHOT, VAULT_AUDIT_FILE, VAULT_CONFIG, VAULT_NAMESPACE } from "./defaults";
import { POLICY_NAMES, agentPolicy, platformApiPolicy, snapshotPolicy } from "./policies";

export interface VaultConfigurationArgs {
  /** The API server Vault validates service account tokens against (Vault runs in-cluster). @default "https://kubernetes.default.svc:443" */
  kubernetesHost?: string;
  /** Declare the snapshot job's role and policy (off when the cluster has no snapshots). @default true */
  snapshots?: boolean;
  /** The platform API's service account; its Kubernetes-auth role is declared when set. @default undefined */
  platformApi?: { namespace: string; serviceAccount: string };
  /** @default "/vault/audit/audit.log" */
  auditFilePath?: string;
}

/** The Vault role of an agent; the role and the operator's VaultAuth both use this name. */
export function agentRoleName(tenantId: string): string {
  return `agent-${tenantId}`;
}

/** Everything Vault needs to know about one agent, derived from its tenant id alone. */
export interface AgentAccess {
  entity: { name: string; metadata: { agent_id: string }; policies: string[] };
  /** With aliasNameSource serviceaccount_name, Kubernetes auth names the alias `<namespace>/<sa>`. */
  alias: { name: string };
  role: {
    roleName: string;
    boundServiceAccountNames: string[];
    boundServiceAccountNamespaces: string[];
    aliasNameSource: "serviceaccount_name";
    audience: string;
    tokenPolicies: string[];
    tokenTtl: number;
    tokenMaxTtl: number;
  };
}

/**
 * The entity, alias and role of one agent. The id lands in a policy path, so it is checked again
 * here: a `/`, `*` or `+` in it would widen what the templated policy grants.
 */
export function buildAgentAccess(tenantId: string, namespace: string, serviceAccount: string): AgentAccess {
  if (!isDns1123Label(tenantId) || tenantId.length > TENANT_ID_MAX_LENGTH) {
    throw new Error(`tenant id ${JSON.stringify(tenantId)} must be a DNS label of at most ${TENANT_ID_MAX_LENGTH} characters`);
  }
  for (const [what, value] of [["namespace", namespace], ["service account", serviceAccount]]) {
    if (!isDns1123Label(value)) throw new Error(`${what} ${JSON.stringify(value)} must be a DNS label`);
  }
  return {
    entity: { name: `agent-${tenantId}`, metadata: { agent_id: tenantId }, policies: [POLICY_NAMES.agent] },
    alias: { name: `${namespace}/${serviceAccount}` },
    role: {
      roleName: agentRoleName(tenantId),
      boundServiceAccountNames: [serviceAccount],
      boundServiceAccountNamespaces: [namespace],
      aliasNameSource: "serviceaccount_name",
      audience: VAULT_CONFIG.tokenAudience,
      tokenPolicies: [POLICY_NAMES.agent],
      tokenTtl: VAULT_CONFIG.agentTokenTtlSeconds,
      tokenMaxTtl: VAULT_CONFIG.agentTokenMaxTtlSeconds,
    },
  };
}

export interface AgentGrant {
  entity: vault.identity.Entity;
  alias: vault.identity.EntityAlias;
  role: vault.kubernetes.AuthBackendRole;
}

/**
 * Mounts, keys, auth and policies inside Vault. Construct it only once Vault is initialised, with a
 * `vault.Provider` in `opts.provider` (see docs/decisions/vault-bootstrap.md).
 */
export class VaultConfiguration extends pulumi.ComponentResource {
  readonly kvPath: pulumi.Output<string>;
  readonly transitKeyName: pulumi.Output<string>;
  readonly kubernetesAuth: vault.AuthBackend;
  private readonly vaultProvider: pulumi.ProviderResource;

  constructor(name: string, args: VaultConfigurationArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:vault:VaultConfiguration", name, {}, opts);
    // The default provider would read `vault:token` from stack config, which must never hold one.
    if (!opts?.provider) throw new Error("VaultConfiguration needs an explicit vault.Provider in opts.provider");
    this.vaultProvider = opts.provider;
    const parent = { parent: this };
    // Deleting a mount or the key deletes every secret or ciphertext that depends on it (SEC-07).
    const kept = { ...parent, protect: true };

    // Vault answers a request only when at least one audit device records it. The file on the
    // audit volume is kept for forensics; stdout reaches the node's log pipeline and keeps Vault
    // serving if the volume ever fills (its free space is alerted on by the monitoring rules).
    new vault.Audit(
      `${name}-audit-file`,
      { type: "file", path: AUDIT_DEVICE_PATHS[0], description: "File audit on the audit volume", options: { file_path: args.auditFilePath ?? VAULT_AUDIT_FILE } },
      parent,
    );
    new vault.Audit(
      `${name}-audit-stdout`,
      { type: "file", path: AUDIT_DEVICE_PATHS[1], description: "Audit to the container log", options: { file_path: "stdout" } },
      parent,
    );

    const transit = new vault.Mount(
      `${name}-transit`,
      { path: VAULT_CONFIG.transitPath, type: "transit", description: "Encryption of platform credentials" },
      kept,
    );
    const key = new vault.transit.SecretBackendKey(
      `${name}-platform-credentials`,
      {
        backend: transit.path,
        name: VAULT_CONFIG.transitKey,
        type: VAULT_CONFIG.transitKeyType,
        deletionAllowed: false,
        exportable: false,
        allowPlaintextBackup: false,
        autoRotatePeriod: VAULT_CONFIG.transitRotateSeconds,
      },
      kept,
    );
    this.transitKeyName = key.name;

    const kv = new vault.Mount(
      `${name}-agents-kv`,
      { path: VAULT_CONFIG.kvPath, type: "kv", options: { version: "2" }, description: "Secrets of agent instances" },
      kept,
    );
    this.kvPath = kv.path;

    this.kubernetesAuth = new vault.AuthBackend(
      `${name}-kubernetes-auth`,
      { type: "kubernetes", path: VAULT_CONFIG.kubernetesPath, description: "Service accounts of this cluster" },
      parent,
    );
    // No reviewer JWT or CA in state: Vault uses its own pod's service account and CA.
    new vault.kubernetes.AuthBackendConfig(
      `${name}-kubernetes-auth-config`,
      { backend: this.kubernetesAuth.path, kubernetesHost: args.kubernetesHost ?? VAULT_CONFIG.kubernetesHost, disableLocalCaJwt: false },
      parent,
    );

    new vault.Policy(`${name}-agent-self-policy`, { name: POLICY_NAMES.agent, policy: agentPolicy() }, parent);
    new vault.Policy(`${name}-platform-api-policy`, { name: POLICY_NAMES.platformApi, policy: platformApiPolicy() }, parent);
    if (args.platformApi) {
      new vault.kubernetes.AuthBackendRole(
        `${name}-platform-api-role`,
        {
          backend: this.kubernetesAuth.path,
          roleName: VAULT_CONFIG.platformApiRole,
          boundServiceAccountNames: [args.platformApi.serviceAccount],
          boundServiceAccountNamespaces: [args.platformApi.namespace],
          audience: VAULT_CONFIG.tokenAudience,
          tokenPolicies: [POLICY_NAMES.platformApi],
          tokenTtl: VAULT_CONFIG.agentTokenTtlSeconds,
          tokenMaxTtl: VAULT_CONFIG.agentTokenMaxTtlSeconds,
        },
        parent,
      );
    }
    if (args.snapshots ?? true) {
      new vault.Policy(`${name}-snapshot-policy`, { name: POLICY_NAMES.snapshot, policy: snapshotPolicy() }, parent);
      new vault.kubernetes.AuthBackendRole(
        `${name}-snapshot-role`,
        {
          backend: this.kubernetesAuth.path,
          roleName: SNAPSHOT.role,
          boundServiceAccountNames: [SNAPSHOT.serviceAccount],
          boundServiceAccountNamespaces: [VAULT_NAMESPACE],
          audience: VAULT_CONFIG.tokenAudience,
          tokenPolicies: [POLICY_NAMES.snapshot],
          tokenTtl: 600,
          tokenMaxTtl: 1800,
        },
        parent,
      );
    }

    this.registerOutputs({ kvPath: this.kvPath, transitKeyName: this.transitKeyName });
  }

  /** What a tenant needs to be granted access: this Vault's provider and Kubernetes auth mount. */
  agentAccess(): VaultAgentAccess {
    return { provider: this.vaultProvider, authPath: this.kubernetesAuth.path, authAccessor: this.kubernetesAuth.accessor };
  }
}

/**
 * Where agents are granted access: a Vault provider and its Kubernetes auth mount. A tenant shard
 * builds one from the platform stack's outputs and its own provider.
 */
export interface VaultAgentAccess {
  provider: pulumi.ProviderResource;
  authPath: pulumi.Input<string>;
  authAccessor: pulumi.Input<string>;
}

/**
 * Lets one agent's service account log in as that agent and read only its own secrets (SEC-04).
 * The caller (the tenant component) parents the resources; they always use the given provider.
 */
export function grantAgent(
  name: string,
  access: VaultAgentAccess,
  agent: { tenantId: string; namespace: string; serviceAccount: string },
  opts: pulumi.CustomResourceOptions,
): AgentGrant {
  const built = buildAgentAccess(agent.tenantId, agent.namespace, agent.serviceAccount);
  const options = { ...opts, provider: access.provider };
  const entity = new vault.identity.Entity(`${name}-entity`, { ...built.entity, externalPolicies: false }, options);
  const alias = new vault.identity.EntityAlias(
    `${name}-alias`,
    { name: built.alias.name, mountAccessor: access.authAccessor, canonicalId: entity.id },
    options,
  );
  // The role waits for the alias: a login through a role whose alias does not exist yet makes
  // Kubernetes auth create an entity without agent_id, which then owns the alias name for good
  // (Vault refuses a second alias for the same mount and name) and reads nothing.
  const role = new vault.kubernetes.AuthBackendRole(
    `${name}-role`,
    { backend: access.authPath, ...built.role },
    { ...options, dependsOn: [alias] },
  );
  return { entity, alias, role };
}
