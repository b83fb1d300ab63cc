import { CONFIG_KEYS } from "../config/schema";
import { readProjectFile, readStackConfig } from "../scripts/engine/stackFile";

type Declaration = { type?: string; description?: string; secret?: boolean; default?: unknown };

describe("Pulumi.yaml", () => {
  const project = readProjectFile();
  const declared = project.config as Record<string, Declaration>;
  const keys = Object.keys(declared).map((key) => key.replace(/^agent-platform:/, ""));

  it("declares exactly the settings the schema knows", () => {
    expect([...keys].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it("describes every setting and types every scalar one", () => {
    const structured = ["cluster", "foundation", "platformApi", "agentImages", "admission", "vault", "dataTier", "tenants"];
    const problems = Object.entries(declared).flatMap(([key, d]) => {
      const name = key.replace(/^agent-platform:/, "");
      const issues: string[] = [];
      if (!d.description) issues.push(`${key} has no description`);
      if (!structured.includes(name) && d.type !== "string") issues.push(`${key} is not typed as string`);
      if (structured.includes(name) && d.type !== undefined) issues.push(`${key} is structured and cannot carry a Pulumi type`);
      // No `secret: true`: the CLI would demand the key of every stack, the foundation's included;
      // the program refuses a secret setting given in plain text instead (SEC-06).
      if (d.secret !== undefined) issues.push(`${key} must not be declared secret`);
      return issues;
    });
    expect(problems).toEqual([]);
  });

  it("gives every setting an empty default, so the CLI accepts every kind of stack of the project", () => {
    const defaults = Object.fromEntries(Object.entries(declared).map(([key, d]) => [key.replace(/^agent-platform:/, ""), d.default]));
    expect(defaults).toEqual({
      domain: "",
      hostedZoneId: "",
      acmeEmail: "",
      stackRole: "all",
      platformStack: "",
      alertWebhookUrl: "",
      cluster: {},
      foundation: {},
      platformApi: {},
      agentImages: {},
      admission: {},
      vault: {},
      dataTier: {},
      tenants: [],
    });
    // Each stack file of the repository passes the CLI's rules (they throw otherwise).
    for (const stack of ["prod", "prod-foundation"]) expect(readStackConfig(stack).stack).toBe(stack);
  });
});
