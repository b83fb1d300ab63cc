import { AUDIT_DEVICE_PATHS, SNAPSHOT, VAULT_CONFIG } from "./defaults";

/**
 * Vault ACL policies as HCL text. Each is a pure function of the mount and key names so that a
 * test can parse it with an HCL v1 parser (the one Vault uses) and evaluate its paths.
 */

export type Capability = "create" | "read" | "update" | "patch" | "delete" | "list" | "sudo" | "deny";

export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

/** HCL of a policy: one `path` block per rule, in order. */
export function renderPolicy(rules: PolicyRule[]): string {
  return rules
    .map((r) => `path "${r.path}" {\n  capabilities = [${r.capabilities.map((c) => `"${c}"`).join(", ")}]\n}\n`)
    .join("\n");
}

/**
 * The entity metadata key that names an agent. It is set by Pulumi on the entity, never by the
 * agent: aliases, service accounts and tokens cannot change it.
 */
export const AGENT_ID_TEMPLATE = "{{identity.entity.metadata.agent_id}}";

/**
 * SEC-04: an agent reads its own secrets and nothing else. The trailing `/*` after the id makes
 * the id a whole path segment, so `acme` can never match `acme2/...`. An entity without agent_id
 * matches nothing (Vault drops a templated path whose value is missing).
 */
export function agentPolicyRules(kvPath: string = VAULT_CONFIG.kvPath): PolicyRule[] {
  return [
    { path: `${kvPath}/data/${AGENT_ID_TEMPLATE}/*`, capabilities: ["read"] },
    { path: `${kvPath}/metadata/${AGENT_ID_TEMPLATE}/*`, capabilities: ["read"] },
  ];
}

export function agentPolicy(kvPath: string = VAULT_CONFIG.kvPath): string {
  return renderPolicy(agentPolicyRules(kvPath));
}

/**
 * The platform API writes agents' secrets (it never reads them back) and encrypts and decrypts
 * platform credentials with the one transit key; it cannot read, export or rotate the key.
 */
export function platformApiPolicyRules(
  kvPath: string = VAULT_CONFIG.kvPath,
  transitPath: string = VAULT_CONFIG.transitPath,
  transitKey: string = VAULT_CONFIG.transitKey,
): PolicyRule[] {
  return [
    { path: `${kvPath}/data/+/*`, capabilities: ["create", "update"] },
    { path: `${transitPath}/encrypt/${transitKey}`, capabilities: ["update"] },
    { path: `${transitPath}/decrypt/${transitKey}`, capabilities: ["update"] },
  ];
}

export function platformApiPolicy(kvPath?: string, transitPath?: string, transitKey?: string): string {
  return renderPolicy(platformApiPolicyRules(kvPath, transitPath, transitKey));
}

/** The snapshot job may download a Raft snapshot and do nothing else (it cannot restore one). */
export function snapshotPolicyRules(): PolicyRule[] {
  return [{ path: "sys/storage/raft/snapshot", capabilities: ["read"] }];
}

export function snapshotPolicy(): string {
  return renderPolicy(snapshotPolicyRules());
}

/**
 * What the deployer (CI through JWT auth, or an operator) needs to run VaultConfiguration: these
 * mounts, this key, these policies, the Kubernetes auth method and identities. Exact names, no
 * `sys/policies/acl/*`: a wildcard would let the deployer write itself a policy for anything. It
 * can neither read agents' secrets nor use or delete the transit key.
 */
export function deployerPolicyRules(): PolicyRule[] {
  const { kvPath, transitPath, transitKey, kubernetesPath } = VAULT_CONFIG;
  const rw: Capability[] = ["create", "read", "update", "delete"];
  return [
    { path: "sys/mounts", capabilities: ["read"] },
    ...[kvPath, transitPath].flatMap((mount) => [
      { path: `sys/mounts/${mount}`, capabilities: ["create", "read", "update"] as Capability[] },
      { path: `sys/mounts/${mount}/tune`, capabilities: ["read", "update"] as Capability[] },
    ]),
    { path: `${transitPath}/keys/${transitKey}`, capabilities: ["create", "read", "update"] },
    { path: `${transitPath}/keys/${transitKey}/config`, capabilities: ["update"] },
    { path: "sys/auth", capabilities: ["read"] },
    { path: `sys/auth/${kubernetesPath}`, capabilities: [...rw, "sudo"] },
    { path: `sys/auth/${kubernetesPath}/tune`, capabilities: ["read", "update"] },
    { path: `auth/${kubernetesPath}/config`, capabilities: rw },
    { path: `auth/${kubernetesPath}/role/*`, capabilities: [...rw, "list"] },
    ...[VAULT_CONFIG.agentPolicy, VAULT_CONFIG.platformApiPolicy, SNAPSHOT.policy].map((name) => ({
      path: `sys/policies/acl/${name}`,
      capabilities: rw,
    })),
    { path: "identity/entity", capabilities: ["create", "update"] },
    { path: "identity/entity/id/*", capabilities: ["read", "update", "delete"] },
    { path: "identity/entity/name/*", capabilities: ["read"] },
    { path: "identity/entity-alias", capabilities: ["create", "update"] },
    { path: "identity/entity-alias/id/*", capabilities: ["read", "update", "delete"] },
    { path: "sys/audit", capabilities: ["read", "sudo"] },
    // One path per audit device the configuration enables (VaultConfiguration).
    ...AUDIT_DEVICE_PATHS.map((device) => ({ path: `sys/audit/${device}`, capabilities: [...rw, "sudo"] as Capability[] })),
  ];
}

export function deployerPolicy(): string {
  return renderPolicy(deployerPolicyRules());
}

export const POLICY_NAMES = {
  agent: VAULT_CONFIG.agentPolicy,
  platformApi: VAULT_CONFIG.platformApiPolicy,
  snapshot: SNAPSHOT.policy,
  /** Written by hand during bootstrap (docs/decisions/vault-bootstrap.md), not by Pulumi. */
  deployer: "pulumi-deployer",
} as const;
