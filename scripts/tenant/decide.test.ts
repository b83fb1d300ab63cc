import { checkSettings, planCommand, qualifiedStack, stackFor } from "./decide";
import { parseTenantArgs, USAGE } from "./args";
import { type TenantCommand, TenantCommandError, type TenantStackSettings, VERBS } from "./types";
import { spawnSync } from "child_process";
import { tenantStackNames } from "./workspace";
import * as path from "path";

const PLATFORM = "acme-corp/agent-platform/prod";
const cmd = (line: string, env: Record<string, string> = { AGENT_PLATFORM_STACK: PLATFORM }) => parseTenantArgs(line.split(" ").filter(Boolean), env) as TenantCommand;
const recorded = (lifecycle: string, extra: object = {}): TenantStackSettings =>
  ({ platformStack: PLATFORM, vault: { configure: false }, tenants: [{ id: "hooli", modelProvider: "mistral", lifecycle, ...extra }] }) as TenantStackSettings;
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TenantCommandError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
};

describe("tenant command arguments", () => {
  it("--help lists every verb, and the command prints it", () => {
    expect(parseTenantArgs(["--help"])).toBe("help");
    for (const verb of VERBS) expect(USAGE).toMatch(new RegExp(`^  ${verb}\\b`, "m"));
    const root = path.join(__dirname, "..", "..");
    const run = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/tenant.ts", "--help"], { cwd: root, encoding: "utf8" });
    expect([run.status, run.stdout.trim()]).toEqual([0, USAGE]);
  });

  it("names the argument and the rule of every bad request", () => {
    expect(refusal(() => cmd("pause hooli"))).toBe("pause: not a command; one of create, update, suspend, resume, delete, list");
    expect(refusal(() => cmd("create"))).toBe("<id>: is required for create");
    expect(refusal(() => cmd("create hooli --colour red"))).toBe("Unknown option '--colour'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--colour\"; see --help");
    expect(refusal(() => cmd("suspend hooli --plan large"))).toBe("--plan: only create and update change a tenant");
    expect(refusal(() => cmd("suspend hooli --purge"))).toBe("--purge: only with delete");
    expect(refusal(() => cmd("delete hooli --yes"))).toBe("--yes: confirms --purge, and nothing else");
    expect(refusal(() => cmd("list", {}))).toBe("--platform-stack: is required (or AGENT_PLATFORM_STACK): the platform stack the tenant runs on");
    expect(refusal(() => cmd("list --platform-stack prod"))).toBe('--platform-stack: must be a fully qualified stack name: <organization>/<project>/<stack> (got "prod")');
    expect(refusal(() => cmd("list --shards 0"))).toBe('--shards: must be a whole number from 1 to 1000 (got "0")');
    expect(refusal(() => cmd("create hooli --provider mistral --vault-jwt-role ci"))).toBe("--vault-address: is required with --vault-jwt-role and --vault-ca-cert-file");
  });

  it("validates the tenant with the program's own schema, naming the flag", () => {
    expect(refusal(() => planCommand(cmd("create Hooli --provider mistral"), undefined))).toBe(
      "<id>: must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (got \"Hooli\")",
    );
    expect(refusal(() => planCommand(cmd("create hooli --provider mistral --plan huge"), undefined))).toBe(
      '--plan: Invalid option: expected one of "small"|"medium"|"large" (got "huge")',
    );
    expect(refusal(() => planCommand(cmd("create hooli --provider azure-openai"), undefined))).toBe(
      "--allowed-host: is required for modelProvider azure-openai, which has no well-known API host (got nothing)",
    );
    expect(refusal(() => planCommand(cmd("create hooli"), undefined))).toBe("--provider: is required to create a tenant");
    expect(() => checkSettings({ platformStack: PLATFORM, vault: { configure: false }, tenants: [] })).not.toThrow();
  });
});

describe("tenant command decisions", () => {
  it("places a tenant in a stack of its own, or a stable shard, in the platform's organization", () => {
    expect(stackFor("hooli")).toBe("tenant-hooli");
    expect(stackFor("hooli", 8)).toBe(stackFor("hooli", 8));
    const shards = new Set(Array.from({ length: 200 }, (_, i) => stackFor(`t${i}`, 8)));
    expect([...shards].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `tenants-${i}`).sort());
    expect(qualifiedStack(PLATFORM, "tenant-hooli")).toBe("acme-corp/agent-platform/tenant-hooli");
  });

  it("moves between lifecycles, each verb safe to re-run", () => {
    const after = (line: string, state?: string) => planCommand(cmd(line), state ? recorded(state) : undefined).after;
    expect(after("create hooli --provider mistral")).toBe("active");
    expect(after("create hooli", "deleted")).toBe("active");
    expect(after("suspend hooli", "active")).toBe("suspended");
    expect(after("suspend hooli", "suspended")).toBe("suspended");
    expect(after("resume hooli", "suspended")).toBe("active");
    expect(after("resume hooli", "active")).toBe("active");
    expect(after("delete hooli", "suspended")).toBe("deleted");
    expect(after("delete hooli", "deleted")).toBe("deleted");
    expect(after("delete hooli --purge", "deleted")).toBe("absent");
    expect(after("delete hooli --purge", "purging")).toBe("absent");
    expect(after("delete hooli")).toBe("absent");
  });

  it("refuses what a lifecycle does not allow, before any step", () => {
    expect(refusal(() => planCommand(cmd("create hooli --provider mistral --plan medium"), recorded("suspended", { plan: "large" })))).toBe(
      "create hooli: the tenant exists (suspended); change it with `update`",
    );
    expect(refusal(() => planCommand(cmd("update hooli --plan large"), undefined))).toBe("update hooli: no such tenant; `create` it");
    expect(refusal(() => planCommand(cmd("resume hooli"), recorded("deleted")))).toBe("resume hooli: the tenant is deleted; `create` it again to restore it");
    expect(refusal(() => planCommand(cmd("suspend hooli"), recorded("purging")))).toBe("suspend hooli: the tenant is being purged; finish it with `delete --purge`");
    expect(refusal(() => planCommand(cmd("suspend hooli --platform-stack other/agent-platform/prod"), recorded("active")))).toBe(
      "--platform-stack: stack tenant-hooli runs on acme-corp/agent-platform/prod, not other/agent-platform/prod; a tenant cannot move platforms",
    );
  });

  it("never shrinks a workspace: a smaller plan keeps its size, a smaller --storage is refused", () => {
    const large = recorded("active", { plan: "large" });
    const settings = (plan: ReturnType<typeof planCommand>) => (plan.steps[0] as { settings: TenantStackSettings }).settings.tenants[0];
    expect(settings(planCommand(cmd("update hooli --plan small"), large))).toEqual({ id: "hooli", modelProvider: "mistral", plan: "small", storage: "50Gi", lifecycle: "active" });
    expect(settings(planCommand(cmd("update hooli --plan large"), recorded("active")))).toEqual({ id: "hooli", modelProvider: "mistral", plan: "large", lifecycle: "active" });
    expect(refusal(() => planCommand(cmd("update hooli --storage 20Gi"), large))).toBe('--storage: a workspace cannot shrink: tenant hooli has 50Gi (got "20Gi")');
    expect(settings(planCommand(cmd("create hooli --plan small"), recorded("deleted", { plan: "large" })))).toMatchObject({ plan: "small", storage: "50Gi" });
  });

  it("keeps recorded settings a request leaves out: Vault, the other fields, the other tenants of a shard", () => {
    const shard: TenantStackSettings = {
      platformStack: PLATFORM,
      vault: { configure: true, address: "https://vault.example.com" },
      tenants: [
        { id: "hooli", modelProvider: "mistral", plan: "medium", displayName: "Hooli", lifecycle: "active" },
        { id: "pied", modelProvider: "openai", lifecycle: "suspended" },
      ],
    };
    const plan = planCommand({ ...cmd("update hooli --plan large"), shards: 1 }, shard);
    expect(plan.steps).toEqual([
      {
        kind: "configure",
        settings: { ...shard, tenants: [{ id: "hooli", modelProvider: "mistral", plan: "large", displayName: "Hooli", lifecycle: "active" }, shard.tenants[1]] },
      },
      { kind: "up" },
    ]);
    const purge = planCommand({ ...cmd("delete hooli --purge"), shards: 1 }, shard);
    expect(purge.destructive).toBe(true);
    expect(purge.steps.map((s) => s.kind)).toEqual(["configure", "up", "configure", "up"]);
    expect(purge.steps[2]).toEqual({ kind: "configure", settings: { ...shard, tenants: [shard.tenants[1]] } });
  });
});

describe("tenant stacks as the CLI lists them", () => {
  it("keeps only this project's tenant stacks of the platform's organization", () => {
    expect(
      tenantStackNames(["prod", "tenant-hooli", "acme-corp/tenants-3", "other-org/tenant-x", "acme-corp/agent-platform/tenant-pied", "acme-corp/other/tenant-y"], PLATFORM),
    ).toEqual(["tenant-hooli", "tenant-pied", "tenants-3"]);
  });
});
