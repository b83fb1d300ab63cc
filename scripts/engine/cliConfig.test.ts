/**
 * The Pulumi CLI's own checks of a stack's configuration, which run before the program does
 * (pulumi/pulumi pkg/workspace/config.go and sdk/go/common/workspace/project.go). The offline
 * harness applies them, so a stack the CLI would refuse fails `npm run plan` the same way.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { CliConfigError, REPO_ROOT, readStackConfig } from "./stackFile";

function project(root: string, config: Record<string, unknown>, stack: Record<string, unknown>): void {
  fs.writeFileSync(path.join(root, "Pulumi.yaml"), stringify({ name: "agent-platform", runtime: "nodejs", config }));
  fs.writeFileSync(path.join(root, "Pulumi.dev.yaml"), stringify({ config: stack }));
}

describe("the CLI's configuration rules, before the program runs", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "cli-config-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const read = () => () => readStackConfig("dev", undefined, root);

  it("refuses a stack that leaves out keys Pulumi.yaml declares without a default, naming each", () => {
    project(
      root,
      { "agent-platform:domain": { type: "string" }, "agent-platform:vault": {}, "agent-platform:stackRole": { type: "string", default: "all" } },
      {},
    );
    expect(read()).toThrow(new CliConfigError("Stack 'dev' is missing configuration values 'agent-platform:domain' and 'agent-platform:vault'"));
    project(root, { "agent-platform:domain": { type: "string" } }, {});
    expect(read()).toThrow(new CliConfigError("Stack 'dev' is missing configuration value 'agent-platform:domain'"));
    // A key outside the project's namespace is never required.
    project(root, { "aws:region": { value: "us-east-1" } }, {});
    expect(readStackConfig("dev", undefined, root).values["aws:region"]).toBe("us-east-1");
  });

  it("applies a declared default when the stack leaves the key out", () => {
    project(root, { "agent-platform:stackRole": { type: "string", default: "all" } }, {});
    expect(readStackConfig("dev", undefined, root).values["agent-platform:stackRole"]).toBe("all");
  });

  it("refuses a secret key in plain text, a value of the wrong type and a default of the wrong type", () => {
    project(root, { "agent-platform:hook": { type: "string", secret: true } }, { "agent-platform:hook": "https://x" });
    expect(read()).toThrow(new CliConfigError("Stack 'dev' with configuration key 'agent-platform:hook' must be encrypted as it's secret"));
    project(root, { "agent-platform:replicas": { type: "integer" } }, { "agent-platform:replicas": "three" });
    expect(read()).toThrow(new CliConfigError("Stack 'dev' with configuration key 'agent-platform:replicas' must be of type 'integer'"));
    project(root, { "agent-platform:replicas": { type: "integer", default: "three" } }, {});
    expect(read()).toThrow(new CliConfigError("The default value specified for configuration key 'agent-platform:replicas' is not of the expected type 'integer'"));
    project(root, { "agent-platform:x": { default: 1, value: 2 } }, {});
    expect(read()).toThrow(new CliConfigError("project config 'agent-platform:x' cannot have both a 'default' and 'value' attribute"));
  });

  it("fails npm run plan with the CLI's message, writing nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-plan-"));
    try {
      const prod = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8");
      // The repository's Pulumi.yaml defaults every key; a stack can still give a typed key the wrong type.
      fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), prod.replace("agent-platform:stackRole: all", "agent-platform:stackRole: [all]"));
      const out = path.join(dir, "out");
      const result = spawnSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(REPO_ROOT, "scripts/plan.ts"), "--stack", "bad", "--config-dir", dir, "--out", out],
        { cwd: REPO_ROOT, encoding: "utf8" },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("Stack 'bad' with configuration key 'agent-platform:stackRole' must be of type 'string'");
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
