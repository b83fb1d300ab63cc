import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/engine/stackFile";
import { buildAgentAccess } from "./configuration";
import { agentPolicy, deployerPolicy, platformApiPolicy, snapshotPolicy } from "./policies";
import { parseHcl, policyPaths, renderTemplate, vaultPathMatches } from "./testing";

/** Every path the policy of `agentId` grants `capability` on, with the template evaluated. */
const parsed = new Map<string, Record<string, string[]>>();
function grants(policy: string, agentId: string, capability: string): string[] {
  if (!parsed.has(policy)) parsed.set(policy, policyPaths(policy));
  return Object.entries(parsed.get(policy)!)
    .filter(([, caps]) => caps.includes(capability))
    .map(([path]) => renderTemplate(path, { agent_id: agentId }));
}

function allows(policy: string, agentId: string, capability: string, path: string): boolean {
  return grants(policy, agentId, capability).some((pattern) => vaultPathMatches(pattern, path));
}

const CAPABILITIES = ["create", "read", "update", "patch", "delete", "list", "sudo"];

describe("vault policies", () => {
  it("SEC-04 agent-self grants read on the agent's own KV v2 data and metadata, templated on agent_id, and nothing else", () => {
    expect(agentPolicy()).toBe(
      [
        'path "agents/data/{{identity.entity.metadata.agent_id}}/*" {',
        '  capabilities = ["read"]',
        "}",
        "",
        'path "agents/metadata/{{identity.entity.metadata.agent_id}}/*" {',
        '  capabilities = ["read"]',
        "}",
        "",
      ].join("\n"),
    );
    expect(policyPaths(agentPolicy())).toEqual({
      "agents/data/{{identity.entity.metadata.agent_id}}/*": ["read"],
      "agents/metadata/{{identity.entity.metadata.agent_id}}/*": ["read"],
    });
  });

  it("SEC-04 one tenant's policy matches none of another tenant's paths, including prefix and glob tricks", () => {
    const policy = agentPolicy();
    expect(allows(policy, "acme", "read", "agents/data/acme/ai-provider")).toBe(true);
    expect(allows(policy, "acme", "read", "agents/metadata/acme/ai-provider")).toBe(true);
    const foreign = [
      "agents/data/globex/ai-provider",
      "agents/metadata/globex/ai-provider",
      "agents/data/acme2/ai-provider",
      "agents/data/acme-2/ai-provider",
      "agents/data/acm/ai-provider",
      "agents/data/acme",
      "agents/data/acme2",
      "agents/data/acme*/ai-provider",
      "agents/data/acme+/ai-provider",
      "agents/data/+/ai-provider",
      "agents/data/*",
      "agents/data//ai-provider",
      "agents/data/globex/acme/ai-provider",
      "agents/destroy/acme/ai-provider",
      "agents/delete/acme/ai-provider",
      "agents/undelete/acme/ai-provider",
      "agents/metadata/acme",
      "sys/storage/raft/snapshot",
      "transit/decrypt/platform-credentials",
    ];
    for (const capability of CAPABILITIES) {
      expect(foreign.filter((path) => allows(policy, "acme", capability, path))).toEqual([]);
    }
    // No writes of any kind, even on the agent's own paths.
    for (const capability of CAPABILITIES.filter((c) => c !== "read")) {
      expect(allows(policy, "acme", capability, "agents/data/acme/ai-provider")).toBe(false);
    }
  });

  it("SEC-04 no two distinct tenant ids share a secret path under agent-self", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/);
    const suffix = fc.stringMatching(/^[a-zA-Z0-9_*+./-]{0,20}$/);
    fc.assert(
      fc.property(label, label, suffix, (a, b, rest) => {
        fc.pre(a !== b);
        const policy = agentPolicy();
        for (const kind of ["data", "metadata"]) {
          const path = `agents/${kind}/${b}/${rest}`;
          if (CAPABILITIES.some((c) => allows(policy, a, c, path))) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it("SEC-04 a tenant id that could widen the templated path is refused before it reaches Vault", () => {
    for (const id of ["acme/*", "*", "+", "acme/globex", "", "ACME", "-acme", "a".repeat(41)]) {
      expect(() => buildAgentAccess(id, "tenant-acme", "agent")).toThrow("must be a DNS label");
    }
    expect(buildAgentAccess("acme", "tenant-acme", "agent").entity.metadata).toEqual({ agent_id: "acme" });
  });

  it("platform-api writes agent secrets without reading them and uses only the platform-credentials transit key", () => {
    expect(policyPaths(platformApiPolicy())).toEqual({
      "agents/data/+/*": ["create", "update"],
      "transit/encrypt/platform-credentials": ["update"],
      "transit/decrypt/platform-credentials": ["update"],
    });
    const policy = platformApiPolicy();
    expect(allows(policy, "-", "create", "agents/data/acme/ai-provider")).toBe(true);
    expect(allows(policy, "-", "read", "agents/data/acme/ai-provider")).toBe(false);
    expect(allows(policy, "-", "update", "transit/encrypt/other-key")).toBe(false);
    expect(allows(policy, "-", "read", "transit/export/encryption-key/platform-credentials")).toBe(false);
    expect(allows(policy, "-", "update", "transit/keys/platform-credentials/rotate")).toBe(false);
  });

  it("the snapshot policy reads the Raft snapshot and cannot restore one", () => {
    expect(policyPaths(snapshotPolicy())).toEqual({ "sys/storage/raft/snapshot": ["read"] });
    expect(allows(snapshotPolicy(), "-", "update", "sys/storage/raft/snapshot-force")).toBe(false);
  });

  it("the deployer may configure Vault but not read agents' secrets, use the transit key or write other policies", () => {
    const policy = deployerPolicy();
    expect(Object.keys(policyPaths(policy))).toHaveLength(23);
    // Each audit device the configuration enables needs its own sys/audit path, or phase 2 fails.
    expect(allows(policy, "-", "sudo", "sys/audit/file") && allows(policy, "-", "sudo", "sys/audit/stdout")).toBe(true);
    expect(allows(policy, "-", "create", "sys/policies/acl/agent-self")).toBe(true);
    expect(allows(policy, "-", "create", "auth/kubernetes/role/agent-acme")).toBe(true);
    for (const capability of CAPABILITIES) {
      const denied = [
        "agents/data/acme/ai-provider",
        "agents/metadata/acme/ai-provider",
        "transit/decrypt/platform-credentials",
        "transit/encrypt/platform-credentials",
        "transit/export/encryption-key/platform-credentials",
        "sys/policies/acl/pulumi-deployer",
        "sys/policies/acl/root-like",
        "sys/storage/raft/snapshot",
        "auth/token/create",
        "sys/auth/jwt",
      ];
      expect(denied.filter((p) => allows(policy, "-", capability, p))).toEqual([]);
    }
    for (const protectedPath of ["sys/mounts/agents", "sys/mounts/transit", "transit/keys/platform-credentials"]) {
      expect(allows(policy, "-", "delete", protectedPath)).toBe(false);
    }
  });

  it("the bootstrap ADR shows exactly the deployer policy the code defines", () => {
    const adr = fs.readFileSync(path.join(REPO_ROOT, "docs/decisions/vault-bootstrap.md"), "utf8");
    const block = /<!-- deployer-policy:begin -->\n\s*```hcl\n([\s\S]*?)\n\s*```\n\s*<!-- deployer-policy:end -->/.exec(adr);
    expect(block).not.toBeNull();
    const text = block![1].split("\n").map((line) => line.replace(/^ {3}/, "")).join("\n");
    expect(`${text}\n`).toBe(deployerPolicy());
  });

  it("the HCL helpers fail loudly on bad input", () => {
    expect(() => parseHcl('path "x" { capabilities = ["read" }')).toThrow("HCL does not parse");
    expect(() => renderTemplate("a/{{identity.entity.name}}/*", { agent_id: "x" })).toThrow("unsupported template");
    expect(vaultPathMatches("a/+/c", "a/b/c")).toBe(true);
    expect(vaultPathMatches("a/+/c", "a/b/d/c")).toBe(false);
    expect(vaultPathMatches("a/b*", "a/bc/d")).toBe(true);
  });
});
