import { SECRET_KEYS } from "../config/defaults";
import { CONFIG_KEYS } from "../config/schema";
import { readProjectFile } from "./harness/stackFile";

type Declaration = { type?: string; description?: string; secret?: boolean };

describe("Pulumi.yaml", () => {
  const project = readProjectFile();
  const declared = project.config as Record<string, Declaration>;
  const keys = Object.keys(declared).map((key) => key.replace(/^agent-platform:/, ""));

  it("declares exactly the settings the schema knows", () => {
    expect([...keys].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it("describes every setting and types every scalar one", () => {
    const structured = ["cluster", "foundation", "platformApi", "agentImages", "admission", "vault", "tenants"];
    const problems = Object.entries(declared).flatMap(([key, d]) => {
      const name = key.replace(/^agent-platform:/, "");
      const issues: string[] = [];
      if (!d.description) issues.push(`${key} has no description`);
      if (!structured.includes(name) && d.type !== "string") issues.push(`${key} is not typed as string`);
      if (structured.includes(name) && d.type !== undefined) issues.push(`${key} is structured and cannot carry a Pulumi type`);
      if ((SECRET_KEYS as readonly string[]).includes(name) !== (d.secret === true)) issues.push(`${key} secret flag is wrong`);
      return issues;
    });
    expect(problems).toEqual([]);
  });
});
