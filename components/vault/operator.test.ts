import { buildAgentAccess } from "./configuration";
import { buildAgentSecretSync, buildOperatorValues, buildVaultConnection } from "./operator";
import { agentPolicy } from "./policies";
import { policyPaths, renderTemplate, vaultPathMatches } from "./testing";

describe("vault secrets operator", () => {
  it("ISO-06 ISO-07 ISO-08 connects to the Vault service over TLS, trusting the internal CA; the operator's pods meet restricted", () => {
    expect(buildVaultConnection()).toEqual({
      apiVersion: "secrets.hashicorp.com/v1beta1",
      kind: "VaultConnection",
      metadata: {
        name: "vault",
        namespace: "vault",
        labels: {
          "app.kubernetes.io/name": "vault-secrets-operator",
          "app.kubernetes.io/part-of": "agent-platform",
          "app.kubernetes.io/managed-by": "pulumi",
          "app.kubernetes.io/component": "connection",
        },
      },
      spec: { address: "https://vault-active.vault.svc:8200", caCertSecretRef: "vault-server-tls", skipTLSVerify: false },
    });
    expect(buildOperatorValues()).toEqual({
      defaultVaultConnection: { enabled: false },
      defaultAuthMethod: { enabled: false },
      controller: {
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
      },
    });
  });

  it("SEC-05 the AI key syncs into the tenant namespace as ai-provider-key, read with that agent's own role and policy", () => {
    const { auth, secret } = buildAgentSecretSync({ tenantId: "acme", namespace: "tenant-acme", serviceAccount: "agent" });
    expect(auth.metadata).toMatchObject({ name: "agent-acme-vault", namespace: "tenant-acme" });
    expect(auth.spec).toEqual({
      vaultConnectionRef: "vault/vault",
      method: "kubernetes",
      mount: "kubernetes",
      kubernetes: { role: "agent-acme", serviceAccount: "agent", audiences: ["vault"] },
    });
    expect(secret.metadata).toMatchObject({ name: "ai-provider-key", namespace: "tenant-acme" });
    expect(secret.spec).toMatchObject({
      vaultAuthRef: "agent-acme-vault",
      type: "kv-v2",
      mount: "agents",
      path: "acme/ai-provider",
      refreshAfter: "60s",
      hmacSecretData: true,
      destination: { name: "ai-provider-key", create: true, overwrite: false },
    });

    // The operator logs in as the role Vault declares for this agent, bound to the same SA and audience...
    const access = buildAgentAccess("acme", "tenant-acme", "agent");
    const kubernetes = (auth.spec as { kubernetes: { role: string; serviceAccount: string; audiences: string[] } }).kubernetes;
    expect(kubernetes.role).toBe(access.role.roleName);
    expect(access.role.boundServiceAccountNames).toContain(kubernetes.serviceAccount);
    expect(access.role.boundServiceAccountNamespaces).toEqual([auth.metadata.namespace]);
    expect(kubernetes.audiences).toEqual([access.role.audience]);
    // ...and reads the KV v2 data path that agent-self grants this agent, and no other agent.
    const dataPath = `${secret.spec.mount}/data/${secret.spec.path}`;
    const granted = Object.entries(policyPaths(agentPolicy())).filter(([, caps]) => caps.includes("read"));
    const reads = (id: string) => granted.some(([p]) => vaultPathMatches(renderTemplate(p, { agent_id: id }), dataPath));
    expect(reads("acme")).toBe(true);
    expect(reads("globex")).toBe(false);
  });

  it("restarts the agent when its key changes, when asked to", () => {
    const { secret } = buildAgentSecretSync({
      tenantId: "acme", namespace: "tenant-acme", serviceAccount: "agent", rolloutRestartTargets: [{ kind: "StatefulSet", name: "agent-acme" }],
    });
    expect(secret.spec.rolloutRestartTargets).toEqual([{ kind: "StatefulSet", name: "agent-acme" }]);
  });
});
