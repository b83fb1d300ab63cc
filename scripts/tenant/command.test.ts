import type { CapturedResource } from "../engine/capture";
import { type CommandIo, runTenantCommand } from "./command";
import { parseTenantArgs } from "./args";
import { FakeTenantWorkspace } from "./testing";
import { TenantCommandError } from "./types";

const PLATFORM = "acme-corp/agent-platform/prod";
const command = (line: string) => {
  const parsed = parseTenantArgs([...line.split(" "), "--platform-stack", PLATFORM]);
  if (parsed === "help") throw new Error("unexpected --help");
  return parsed;
};
const quietIo = (answer?: string): CommandIo & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line), confirm: async (_q, expected) => answer === expected };
};
const find = (resources: CapturedResource[], type: string, name: string) => resources.find((r) => r.type === type && r.name === name);
const AGENT = ["kubernetes:apps/v1:StatefulSet", "tenant-hooli-agent"] as const;
const PROXY = ["kubernetes:apps/v1:Deployment", "tenant-hooli-egress-proxy"] as const;
const NAMESPACE = ["kubernetes:core/v1:Namespace", "tenant-hooli-namespace"] as const;
const WORKSPACE = ["kubernetes:core/v1:PersistentVolumeClaim", "tenant-hooli-workspace"] as const;
const QUOTA = ["kubernetes:core/v1:ResourceQuota", "tenant-hooli-quota"] as const;
const VAULT_ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";

describe("npm run tenant: a tenant's whole life through the workspace double", () => {
  const workspace = new FakeTenantWorkspace();
  const io = quietIo();
  const at = (type: string, name: string) => find(workspace.resources("tenant-hooli"), type, name);
  const vault = "--vault-address https://vault.agents.example.com:8200";

  it("create: a stack of its own, configured with the tenant and the platform it runs on", async () => {
    const result = await runTenantCommand(command(`create hooli --plan medium --provider mistral ${vault}`), workspace, io);
    expect(result).toMatchObject({ tenant: "hooli", stack: "acme-corp/agent-platform/tenant-hooli", lifecycle: "active", message: "hooli created" });
    expect(workspace.operations).toEqual(["configure tenant-hooli", "up tenant-hooli"]);
    expect(workspace.stacks.get("tenant-hooli")!.config).toEqual({
      platformStack: PLATFORM,
      vault: { configure: true, address: "https://vault.agents.example.com:8200" },
      tenants: [{ id: "hooli", plan: "medium", modelProvider: "mistral", lifecycle: "active" }],
    });
    expect(at(...AGENT)!.inputs.spec.replicas).toBe(1);
    expect(at(...PROXY)!.inputs.spec.replicas).toBe(1);
    expect(workspace.resources("tenant-hooli").filter((r) => r.type === VAULT_ROLE)).toHaveLength(1);
  });

  it("create again is a safe re-run; create with another plan is refused before anything runs", async () => {
    await runTenantCommand(command(`create hooli --plan medium --provider mistral ${vault}`), workspace, io);
    expect(workspace.operations.slice(2)).toEqual(["configure tenant-hooli", "up tenant-hooli"]);
    await expect(runTenantCommand(command("create hooli --plan large --provider mistral"), workspace, io)).rejects.toThrow(
      new TenantCommandError("create hooli: the tenant exists (active); change it with `update`"),
    );
    expect(workspace.operations).toHaveLength(4);
  });

  it("suspend: agent and proxy at zero, quota at zero, namespace, workspace, Vault identity and key kept", async () => {
    const before = workspace.resources("tenant-hooli").map((r) => r.urn).sort();
    const result = await runTenantCommand(command("suspend hooli"), workspace, io);
    expect(result).toMatchObject({ lifecycle: "suspended", message: "hooli suspended", changes: { create: 0, delete: 0, retain: 0 } });
    expect(workspace.resources("tenant-hooli").map((r) => r.urn).sort()).toEqual(before);
    expect(at(...AGENT)!.inputs.spec.replicas).toBe(0);
    expect(at(...PROXY)!.inputs.spec.replicas).toBe(0);
    expect(at(...QUOTA)!.inputs.spec.hard).toMatchObject({ "requests.cpu": "0m", "requests.memory": "0Mi", "limits.cpu": "0m", "limits.memory": "0Mi", pods: "0" });
    expect(at("kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret", "tenant-hooli-ai-provider-key")).toBeTruthy();
    expect([at(...NAMESPACE)!.options.retainOnDelete, at(...WORKSPACE)!.options.retainOnDelete]).toEqual([true, true]);
    expect(at(...WORKSPACE)!.inputs.spec.resources.requests.storage).toBe("20Gi");
    expect(workspace.stacks.get("tenant-hooli")!.config!.tenants).toEqual([{ id: "hooli", plan: "medium", modelProvider: "mistral", lifecycle: "suspended" }]);
  });

  it("update while suspended keeps it suspended; resume brings it back as it was", async () => {
    await runTenantCommand(command("update hooli --display-name Hooli"), workspace, io);
    expect(at(...AGENT)!.inputs.spec.replicas).toBe(0);
    const result = await runTenantCommand(command("resume hooli"), workspace, io);
    expect(result).toMatchObject({ lifecycle: "active", message: "hooli resumed" });
    expect(at(...AGENT)!.inputs.spec.replicas).toBe(1);
    expect(at(...PROXY)!.inputs.spec.replicas).toBe(1);
    expect(at(...QUOTA)!.inputs.spec.hard["requests.cpu"]).not.toBe("0m");
    // Quota admission would refuse a pod created before the zero quota is raised.
    expect(at(...AGENT)!.options.dependsOn).toContain(at(...QUOTA)!.urn);
    expect(at(...PROXY)!.options.dependsOn).toContain(at(...QUOTA)!.urn);
  });

  it("delete: everything goes but the namespace and workspace, which stay retained", async () => {
    const result = await runTenantCommand(command("delete hooli"), workspace, io);
    expect(result).toMatchObject({ lifecycle: "deleted", message: "hooli deleted; its namespace and workspace are kept until `delete --purge`" });
    expect(workspace.resources("tenant-hooli").filter((r) => r.custom).map((r) => [r.type, r.name, r.options.retainOnDelete]).sort()).toEqual([
      ["kubernetes:core/v1:Namespace", "tenant-hooli-namespace", true],
      ["kubernetes:core/v1:PersistentVolumeClaim", "tenant-hooli-workspace", true],
      ["kubernetes:core/v1:ResourceQuota", "tenant-hooli-quota", false],
      ["pulumi:providers:kubernetes", "platform-cluster", false],
      ["pulumi:providers:vault", "vault", false],
    ]);
    expect(at(...QUOTA)!.inputs.spec.hard.pods).toBe("0");
    expect(workspace.keptInCluster.get("tenant-hooli")).toEqual([]);
  });

  it("delete --purge is refused unless confirmed, and changes nothing then", async () => {
    const operations = workspace.operations.length;
    await expect(runTenantCommand(command("delete hooli --purge"), workspace, quietIo("wrong"))).rejects.toThrow(
      "--purge: not confirmed (type the tenant id at the prompt, or pass --yes); nothing was changed",
    );
    expect(workspace.operations).toHaveLength(operations);
  });

  it("delete --purge: releases the volume to the Delete policy, then destroys the stack and removes it", async () => {
    const operations = workspace.operations.length;
    const result = await runTenantCommand(command("delete hooli --purge"), workspace, quietIo("hooli"));
    expect(result).toMatchObject({ lifecycle: "absent", message: "hooli purged: its namespace, workspace and volume are deleted" });
    expect(workspace.operations.slice(operations)).toEqual(["configure tenant-hooli", "up tenant-hooli", "destroy tenant-hooli", "remove tenant-hooli"]);
    expect(workspace.stacks.has("tenant-hooli")).toBe(false);
    // Only the volume patch outlives the purge, so that the released volume is not handed back to Retain.
    expect(workspace.keptInCluster.get("tenant-hooli")!.map((r) => [r.type, r.name, r.inputs])).toEqual([
      [
        "kubernetes:core/v1:PersistentVolumePatch",
        "tenant-hooli-workspace-volume",
        {
          apiVersion: "v1",
          kind: "PersistentVolume",
          // The bound volume of the live claim (the claim's own state was recorded Pending), patched by force:
          // the CSI provisioner owns the field.
          metadata: { name: "pvc-mock-tenant-hooli-workspace-agent-0", annotations: { "pulumi.com/patchForce": "true" } },
          spec: { persistentVolumeReclaimPolicy: "Delete" },
        },
      ],
    ]);
  });

  it("delete of a tenant that is gone is a no-op", async () => {
    const operations = workspace.operations.length;
    expect(await runTenantCommand(command("delete hooli --purge --yes"), workspace, io)).toMatchObject({ message: "hooli: no such tenant, nothing to delete" });
    expect(workspace.operations).toHaveLength(operations);
  });
});

describe("npm run tenant: failures and neighbours", () => {
  it("a failed up leaves the stack as last deployed, and the re-run converges", async () => {
    const workspace = new FakeTenantWorkspace();
    workspace.failNextUp = "the cluster refused the change";
    await expect(runTenantCommand(command("create wayne --provider anthropic"), workspace, quietIo())).rejects.toThrow("the cluster refused the change");
    expect(await workspace.recordedSettings("tenant-wayne")).toBeUndefined();
    await runTenantCommand(command("create wayne --provider anthropic"), workspace, quietIo());
    expect(find(workspace.resources("tenant-wayne"), "kubernetes:apps/v1:StatefulSet", "tenant-wayne-agent")).toBeTruthy();
  });

  it("changing or removing one tenant touches no other tenant's stack", async () => {
    const workspace = new FakeTenantWorkspace();
    await runTenantCommand(command("create wayne --provider anthropic"), workspace, quietIo());
    await runTenantCommand(command("create stark --provider openai"), workspace, quietIo());
    const stark = workspace.resources("tenant-stark");
    workspace.operations.length = 0;
    await runTenantCommand(command("update wayne --plan large"), workspace, quietIo());
    await runTenantCommand(command("delete wayne --purge --yes"), workspace, quietIo());
    expect(workspace.operations.every((op) => op.endsWith(" tenant-wayne"))).toBe(true);
    expect(workspace.resources("tenant-stark")).toBe(stark);
    const listed = await runTenantCommand(command("list"), workspace, quietIo());
    expect(listed.tenants).toEqual([{ stack: "tenant-stark", id: "stark", plan: "small", provider: "openai", lifecycle: "active" }]);
  });

  it("in a shard, a change to one tenant changes only that tenant's resources", async () => {
    const workspace = new FakeTenantWorkspace();
    const sharded = (line: string) => ({ ...command(line), shards: 1 });
    await runTenantCommand(sharded("create wayne --provider anthropic"), workspace, quietIo());
    await runTenantCommand(sharded("create stark --provider openai"), workspace, quietIo());
    const starkOf = () => workspace.resources("tenants-0").filter((r) => r.urn.includes("tenant-stark"));
    const before = starkOf();
    await runTenantCommand(sharded("suspend wayne"), workspace, quietIo());
    expect(starkOf()).toEqual(before);
    await runTenantCommand(sharded("delete wayne --purge --yes"), workspace, quietIo());
    expect(starkOf()).toEqual(before);
    expect(workspace.stacks.get("tenants-0")!.config!.tenants.map((t) => t.id)).toEqual(["stark"]);
  });
});
