import { ConfigError } from "../config/errors";
import { ProgramFailed, runProgram } from "./harness/run";

describe("the program under the mock engine", () => {
  it("builds the prod stack and exports the tenant ids", async () => {
    const run = await runProgram({ stack: "prod" });
    expect(run.outputs.tenants).toEqual(["acme", "globex", "initech"]);
  });

  it("stops on bad configuration before declaring any resource", async () => {
    const error = await runProgram({
      stack: "prod",
      config: { tenants: [{ id: "acme", modelProvider: "anthropic" }, { id: "acme", modelProvider: "openai" }] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramFailed);
    const failure = error as ProgramFailed;
    expect(failure.cause).toBeInstanceOf(ConfigError);
    expect(failure.message).toBe(
      "Invalid stack configuration (1 problem):\n" +
        '  - agent-platform:tenants[1].id: duplicates the id of tenants[0]; tenant ids must be unique (got "acme")',
    );
    expect(failure.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});
