import * as pulumi from "@pulumi/pulumi";
import { ProgramFailed, runProgram } from "./run";

class Box extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:test:Box", name, {}, opts);
    this.registerOutputs({});
  }
}

class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

describe("mock-engine harness", () => {
  it("captures type, name, parent, inputs and options", async () => {
    const run = await runProgram({
      configOnly: true,
      program: async () => {
        const box = new Box("box");
        const cfg = new pulumi.Config();
        new Thing(
          "thing",
          { size: 3, password: cfg.requireSecret("password") },
          { parent: box, protect: true, retainOnDelete: true, ignoreChanges: ["size"], aliases: [{ name: "old-thing" }] },
        );
        return { password: cfg.requireSecret("password"), size: 3 };
      },
      config: { password: "hunter2" },
      secretConfigKeys: ["password"],
    });
    const box = run.findResource("agent-platform:test:Box", "box");
    const thing = run.findResource("test:index:Thing", "thing");
    expect(thing.parent).toBe(box.urn);
    expect(thing.urn).toBe("urn:pulumi:prod::agent-platform::agent-platform:test:Box$test:index:Thing::thing");
    expect(thing.inputs).toEqual({ size: 3, password: "[secret]" });
    expect(thing.options).toMatchObject({
      protect: true,
      retainOnDelete: true,
      ignoreChanges: ["size"],
      aliases: [{ name: "old-thing" }],
    });
    expect(run.outputs).toEqual({ password: "[secret]", size: 3 });
    expect(JSON.stringify(run.resources)).not.toContain("hunter2");
  });

  it("fails loudly on an invoke it does not know", async () => {
    const failure = runProgram({
      configOnly: true,
      program: async () => {
        await pulumi.runtime.invoke("aws:index/getUnknownThing:getUnknownThing", {});
      },
    });
    await expect(failure).rejects.toThrow(
      "The program called aws:index/getUnknownThing:getUnknownThing, which the mock engine does not answer.",
    );
  });

  it("reports what was declared before a program failed", async () => {
    const error = await runProgram({
      configOnly: true,
      program: async () => {
        new Box("before");
        throw new Error("boom");
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramFailed);
    expect((error as ProgramFailed).message).toBe("boom");
    expect((error as ProgramFailed).resources.map((r) => r.type)).toEqual(
      expect.arrayContaining(["pulumi:pulumi:Stack", "agent-platform:test:Box"]),
    );
  });
});
