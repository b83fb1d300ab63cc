import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../scripts/engine/stackFile";

function plan(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(REPO_ROOT, "scripts/plan.ts"), ...args],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeStack(dir: string, stack: string, mutate: (text: string) => string): void {
  const prod = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8");
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), mutate(prod));
}

describe("npm run plan", () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it("writes resources.json, manifests and summary.md for the prod stack", () => {
    const out = path.join(work, "out");
    const result = plan("--stack", "prod", "--out", out);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("• Planning stack prod offline");
    const resources = JSON.parse(fs.readFileSync(path.join(out, "prod", "resources.json"), "utf8"));
    expect(resources[0]).toMatchObject({ type: "pulumi:pulumi:Stack", name: "agent-platform-prod" });
    expect(fs.existsSync(path.join(out, "prod", "manifests"))).toBe(true);
    const summary = fs.readFileSync(path.join(out, "prod", "summary.md"), "utf8");
    expect(summary).toContain("# Offline plan of stack `prod`");
    expect(summary).toContain("| SEC-06 Secrets in stack config and outputs are Pulumi secrets (encrypted in state) | enforced | decl, pack / decl, pack |");
    expect(summary).toMatch(/## Policy pack\n\n\d+ policies checked \d+ resources: 0 mandatory violation\(s\)/);
    expect(result.stdout).toContain("• Policy pack: 0 violation(s), 0 mandatory");
  });

  it("--preview plans prod as a first pulumi preview sees it, and passes the pack with what it cannot decide listed", () => {
    const out = path.join(work, "out-preview");
    const result = plan("--stack", "prod", "--out", out, "--preview");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("• Planning stack prod offline (Pulumi.prod.yaml, mock engine, no cloud credentials) as a first preview");
    expect(result.stdout).toMatch(/• Policy pack: 0 violation\(s\), 0 mandatory, \d+ undecided on unknown values/);
    // Beside the update's plan, never over it.
    expect(fs.existsSync(path.join(out, "prod"))).toBe(false);
    const summary = fs.readFileSync(path.join(out, "prod-preview", "summary.md"), "utf8");
    expect(summary.split("\n")[0]).toBe("# Offline first preview of stack `prod`");
    expect(summary).toContain("| vault-ha-tls-kms | 1 | vault-release: string value at .values.server.ha.raft.config can't be known during preview |");
    // Short enough to review in a pull request.
    expect(summary.split("\n").length).toBeLessThan(210);
    const resources = JSON.parse(fs.readFileSync(path.join(out, "prod-preview", "resources.json"), "utf8"));
    const alias = resources.find((r: { type: string; name: string }) => r.type === "aws:kms/alias:Alias" && r.name === "cluster-secrets");
    expect(alias.inputs.targetKeyId).toBe("[unknown]");
  });

  it("writes a summary a reviewer reads: under 200 lines, config at a glance, each exemption once", () => {
    const out = path.join(work, "out-summary");
    expect(plan("--stack", "prod", "--out", out).status).toBe(0);
    const summary = fs.readFileSync(path.join(out, "prod", "summary.md"), "utf8");
    const lines = summary.split("\n");
    expect(lines.length).toBeLessThan(200);
    expect(lines.filter((l) => l.startsWith("## "))).toEqual([
      "## Configuration",
      "## Protected and kept resources",
      "## Stack outputs",
      "## Helm releases",
      "## Resources by component",
      "## Policy pack",
      "## Control coverage",
    ]);
    expect(lines).toContain("| acme | medium | anthropic | api.anthropic.com | 20Gi | active |");
    expect(lines).toContain("| alerts | to the alert webhook [secret] |");
    expect(lines.filter((l) => l.startsWith("| kube-system | (whole namespace) |"))).toHaveLength(1);
    expect(lines).toContain("| cluster-eks | `aws:eks/cluster:Cluster` | yes | - |");
    expect(lines.find((l) => l.startsWith("| agent-platform:tenant:TenantStack ×3 |"))).toMatch(/^\| agent-platform:tenant:TenantStack ×3 \| \d+ \(\d+ each\) \|/);
    expect(lines).toContain("| APP-03 Input validation with schemas on all endpoints; validation errors stripped to VALIDATION_ERROR | external | owned by the platform API; the program provides: nothing: the API's own code | 0 |");
  });

  it.each([
    ["bad-id", (t: string) => t.replace("- id: acme", "- id: Acme_Corp"), `agent-platform:tenants[0].id: must be a DNS-1123 label`, `(got "Acme_Corp")`],
    ["dup-id", (t: string) => t.replace("- id: globex", "- id: acme"), `agent-platform:tenants[1].id: duplicates the id of tenants[0]`, `(got "acme")`],
    ["bad-quantity", (t: string) => t.replace("storage: 100Gi", "storage: 100GB"), "agent-platform:tenants[1].storage: must be a Kubernetes quantity", `(got "100GB")`],
  ])("fails on stack %s naming the key and the value, and writes nothing", (stack, mutate, rule, value) => {
    writeStack(work, stack, mutate);
    const out = path.join(work, "out-bad");
    const result = plan("--stack", stack, "--config-dir", work, "--out", out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(rule);
    expect(result.stderr).toContain(value);
    expect(result.stderr).toContain("Nothing was written.");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("prints what changed since an older plan", () => {
    const older = path.join(work, "older");
    writeStack(work, "grow", (t) => t);
    expect(plan("--stack", "grow", "--config-dir", work, "--out", older).status).toBe(0);
    writeStack(work, "grow", (t) => t.replace("    - id: initech", "    - id: hooli\n      modelProvider: mistral\n    - id: initech"));
    const result = plan("--stack", "grow", "--config-dir", work, "--out", path.join(work, "newer"), "--diff", path.join(older, "grow"));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Changes since");
    expect(result.stdout).toContain(
      [
        "~ update urn:pulumi:grow::agent-platform::pulumi:pulumi:Stack::agent-platform-grow",
        '    outputs.tenants[2]: "initech" -> "hooli"',
        '    outputs.tenants[3]: (none) -> "initech"',
      ].join("\n"),
    );
    expect(result.stdout).toContain("+ create urn:pulumi:grow::agent-platform::pulumi:pulumi:Stack$agent-platform:tenant:TenantStack::tenant-hooli");
    expect(result.stdout).toMatch(/\n\d+ to create, 1 to update, 0 to replace, 0 to delete\n/);
    // The same diff goes into the plan itself, for the pull request's reviewer.
    expect(fs.readFileSync(path.join(work, "newer", "grow", "diff.md"), "utf8")).toContain("+ create urn:pulumi:grow::agent-platform::pulumi:pulumi:Stack$agent-platform:tenant:TenantStack::tenant-hooli");
    expect(fs.readFileSync(path.join(work, "newer", "grow", "summary.md"), "utf8")).toContain(`## Changes since \`${path.join(older, "grow")}\``);
  });

  it("reads the older plan before writing, so --diff may name the output directory itself", () => {
    const out = path.join(work, "same");
    writeStack(work, "same", (t) => t);
    expect(plan("--stack", "same", "--config-dir", work, "--out", out).status).toBe(0);
    writeStack(work, "same", (t) => t.replace("    - id: initech", "    - id: hooli\n      modelProvider: mistral\n    - id: initech"));
    const result = plan("--stack", "same", "--config-dir", work, "--out", out, "--diff", path.join(out, "same"));
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain("No changes.");
    expect(result.stdout).toContain("+ create urn:pulumi:same::agent-platform::pulumi:pulumi:Stack$agent-platform:tenant:TenantStack::tenant-hooli");
  });

  it("ISO-13 passes its own policy pack as a tenants shard, trusting the StorageClass its platform stack declares", () => {
    // What `npm run tenant` gives a shard: its role, its platform stack and its tenants, nothing else.
    writeStack(work, "shard", (t) =>
      [
        "config:",
        "  agent-platform:stackRole: tenants",
        "  agent-platform:platformStack: example-org/agent-platform/prod",
        t.slice(t.indexOf("  agent-platform:tenants:")),
      ].join("\n"),
    );
    const result = plan("--stack", "shard", "--config-dir", work, "--out", path.join(work, "out-shard"));
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("• Policy pack: 0 violation(s), 0 mandatory");
    expect(result.status).toBe(0);
    const resources = JSON.parse(fs.readFileSync(path.join(work, "out-shard", "shard", "resources.json"), "utf8"));
    // A shard declares tenants only: the StorageClass its claims name is the platform stack's.
    expect(resources.filter((r: { type: string }) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass")).toEqual([]);
    expect(resources.filter((r: { type: string }) => r.type === "kubernetes:core/v1:PersistentVolumeClaim")).toHaveLength(3);
  });

  it("exits non-zero and lists the violations when a mandatory policy fails", () => {
    const policyConfig = path.join(work, "policy-config.json");
    fs.writeFileSync(policyConfig, JSON.stringify({ "egress-proxy-allowlist": { allowedEgressHosts: ["api.agents.example.com", "api.openai.com"] } }));
    const out = path.join(work, "out-policy");
    const result = plan("--stack", "prod", "--out", out, "--policy-config", policyConfig);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Mandatory policies failed:");
    expect(result.stderr).toContain("  - egress-proxy-allowlist: ");
    expect(result.stderr).toContain("api.anthropic.com, which is not in allowedEgressHosts");
    expect(result.stderr).not.toContain("api.openai.com, which is not");
    expect(fs.readFileSync(path.join(out, "prod", "summary.md"), "utf8")).toContain("| mandatory | egress-proxy-allowlist |");
  });
});
