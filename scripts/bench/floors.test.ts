import { runProgram } from "../engine/run";
import { declareBare, declareSameInputs, shapesOf } from "./floors";

describe("the bench's floors", () => {
  it("registers as many bare resources as asked, each of one property", async () => {
    const run = await runProgram({ configOnly: true, program: async () => declareBare(3) });
    expect(run.resources.map((r) => [r.type, r.name, r.inputs])).toEqual([
      ["pulumi:pulumi:Stack", "agent-platform-prod", {}],
      ["bench:index:Bare", "bare-0", { index: 0 }],
      ["bench:index:Bare", "bare-1", { index: 1 }],
      ["bench:index:Bare", "bare-2", { index: 2 }],
    ]);
  });

  it("registers the program's own resources again with the inputs it declared, and nothing of the program's", async () => {
    const program = await runProgram({ stack: "prod", config: { tenants: [{ id: "t0000", plan: "small", modelProvider: "anthropic" }] } });
    const shapes = shapesOf(program.resources);
    const floor = await runProgram({ configOnly: true, program: async () => declareSameInputs(shapes) });
    expect(floor.resources.length).toBe(program.resources.length);
    const agent = program.findResource("kubernetes:apps/v1:StatefulSet", "tenant-t0000-agent");
    const index = shapes.findIndex((s) => s.name === agent.name);
    expect(floor.findResource("bench:index:Bare", `tenant-t0000-agent-${index}`).inputs).toEqual(agent.inputs);
    expect(floor.resources.filter((r) => !r.custom).map((r) => r.type)).toEqual([
      "pulumi:pulumi:Stack",
      ...shapes.filter((s) => !s.custom).map(() => "bench:index:Group"),
    ]);
    expect(floor.invokes).toEqual([]);
  });
});
