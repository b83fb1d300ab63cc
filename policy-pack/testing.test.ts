import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { resource } from "./fixtures";
import { runPolicies } from "./testing";

const ns = (name: string, options = {}) =>
  resource("kubernetes:core/v1:Namespace", { kind: "Namespace", metadata: { name } }, options, name);

describe("in-process policy runner", () => {
  it("matches resource classes by their Pulumi type, as the engine's isType and asType do", () => {
    const seen: string[] = [];
    const typed: ResourceValidationPolicy = {
      name: "typed",
      description: "typed",
      enforcementLevel: "mandatory",
      validateResource: [
        validateResourceOfType(k8s.core.v1.Namespace, (props, args) => {
          seen.push(`${props.metadata?.name}:${args.isType(k8s.core.v1.Namespace)}:${args.isType(k8s.core.v1.Secret)}`);
          seen.push(`asType:${args.asType(k8s.core.v1.Namespace)?.metadata?.name}:${args.asType(k8s.core.v1.Secret)}`);
        }),
      ],
    };
    const run = runPolicies([typed], [ns("a"), resource("kubernetes:core/v1:Secret", { metadata: { name: "s" } })]);
    expect(seen).toEqual(["a:true:false", "asType:a:undefined"]);
    expect(run.applied).toEqual({ typed: 1 });
    expect(run.notApplicable).toEqual([{ policy: "typed", reason: "Policy only applies to resources of type 'kubernetes:core/v1:Namespace'" }]);
  });

  it("resolves enforcement levels and configuration like the engine: config, then policy, then pack; schema defaults underneath", () => {
    const configs: unknown[] = [];
    const policy: ResourceValidationPolicy = {
      name: "p",
      description: "p",
      enforcementLevel: "advisory",
      configSchema: { properties: { limit: { type: "number", default: 3 }, names: { type: "array", items: { type: "string" } } } },
      validateResource: (args, report) => {
        configs.push(args.getConfig());
        report(`seen ${args.name}`);
      },
    };
    const one = [ns("a")];
    expect(runPolicies([policy], one).violations).toEqual([{ policy: "p", enforcementLevel: "advisory", urn: one[0].urn, message: "seen a" }]);
    expect(runPolicies([policy], one, { p: { enforcementLevel: "remediate", names: ["x"] } }).violations[0].enforcementLevel).toBe("mandatory");
    expect(runPolicies([policy], one, { p: "disabled" }).violations).toEqual([]);
    expect(runPolicies([{ ...policy, enforcementLevel: undefined }], one, {}, "mandatory").violations[0].enforcementLevel).toBe("mandatory");
    expect(configs).toEqual([{ limit: 3 }, { limit: 3, names: ["x"] }, { limit: 3 }]);
  });

  it("gives stack policies every resource with options, parent and dependencies resolved", () => {
    let summary: unknown;
    const stack: StackValidationPolicy = {
      name: "s",
      description: "s",
      enforcementLevel: "mandatory",
      validateStack: (args, report) => {
        summary = args.resources.map((r) => ({ name: r.name, protect: r.opts.protect, parent: r.parent?.name, deps: r.dependencies.map((d) => d.name) }));
        report("stack-wide");
        report("about b", args.resources[1].urn);
      },
    };
    const a = ns("a", { protect: true });
    const b = { ...ns("b", { dependsOn: [a.urn, "urn:missing"] }), parent: a.urn };
    expect(runPolicies([stack], [a, b]).violations).toEqual([
      { policy: "s", enforcementLevel: "mandatory", message: "stack-wide" },
      { policy: "s", enforcementLevel: "mandatory", urn: b.urn, message: "about b" },
    ]);
    expect(summary).toEqual([
      { name: "a", protect: true, parent: undefined, deps: [] },
      { name: "b", protect: false, parent: "a", deps: ["a"] },
    ]);
  });

  it("fails loudly on a policy that throws or validates asynchronously instead of hiding it", () => {
    const broken: ResourceValidationPolicy = { name: "broken", description: "b", validateResource: () => { throw new Error("bug"); } };
    const slow: ResourceValidationPolicy = { name: "slow", description: "s", validateResource: async () => undefined };
    expect(() => runPolicies([broken], [ns("a")])).toThrow("bug");
    expect(() => runPolicies([slow], [ns("a")])).toThrow("Policy slow validates asynchronously, which the in-process runner does not support");
  });
});
