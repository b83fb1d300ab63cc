import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { runProgram } from "../scripts/engine/run";
import { policyResources } from "../scripts/plan/policies";
import { agentManifest, helmRelease, namespace, resource } from "./fixtures";
import { ALL_POLICIES } from "./policies";
import { DeclaredResource, POLICY_PACK, Violation, runPolicies } from "./testing";

/* eslint-disable @typescript-eslint/no-require-imports */
// The analyzer the Pulumi CLI talks to when it runs the pack: the same functions, fed protobuf requests.
const server = require("@pulumi/policy/server");
const proto = require("@pulumi/pulumi/proto/analyzer_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const LEVELS: Record<number, string> = { [proto.EnforcementLevel.ADVISORY]: "advisory", [proto.EnforcementLevel.MANDATORY]: "mandatory" };
const DESCRIPTIONS = new Map(ALL_POLICIES.map((p) => [p.name, p.description]));

function fill(target: any, r: DeclaredResource) {
  const options = new proto.AnalyzerResourceOptions();
  options.setProtect(r.options.protect === true);
  target.setType(r.type);
  target.setUrn(r.urn);
  target.setName(r.name);
  target.setProperties(Struct.fromJavaScript(r.inputs));
  target.setOptions(options);
  return target;
}

function call(rpc: (call: unknown, callback: (err: unknown, resp: any) => void) => Promise<void>, request: unknown): Promise<Violation[]> {
  return new Promise((resolve, reject) => {
    void rpc({ request }, (err, resp) => {
      if (err) return reject(err);
      resolve(
        resp.getDiagnosticsList().map((d: any) => {
          // The analyzer prefixes each violation with the policy's description; not its "can't run" advisories.
          const text: string = d.getMessage();
          const message = text.startsWith("can't run policy ") ? text : text.slice(DESCRIPTIONS.get(d.getPolicyname())!.length + 1);
          return { policy: d.getPolicyname(), enforcementLevel: LEVELS[d.getEnforcementlevel()], ...(d.getUrn() ? { urn: d.getUrn() } : {}), message };
        }),
      );
    });
  });
}

/** What the real analyzer reports for these resources: one Analyze per resource, one AnalyzeStack. */
async function analyze(resources: DeclaredResource[]): Promise<Violation[]> {
  const analyzeOne = server.makeAnalyzeRpcFun(POLICY_PACK.name, POLICY_PACK.version, "advisory", ALL_POLICIES);
  const analyzeStack = server.makeAnalyzeStackRpcFun(POLICY_PACK.name, POLICY_PACK.version, "advisory", ALL_POLICIES);
  const perResource: Violation[] = [];
  for (const r of resources) {
    // The engine attaches the analysed resource's URN to each of its diagnostics.
    perResource.push(...(await call(analyzeOne, fill(new proto.AnalyzeRequest(), r))).map((v) => ({ ...v, urn: v.urn ?? r.urn })));
  }
  const stack = new proto.AnalyzeStackRequest();
  stack.setResourcesList(resources.map((r) => fill(new proto.AnalyzerResource(), r)));
  return [...perResource, ...(await call(analyzeStack, stack))];
}

const key = (v: Violation) => `${v.policy}|${v.enforcementLevel}|${v.urn ?? ""}|${v.message}`;
const sorted = (vs: Violation[]) => vs.map(key).sort();

describe("in-process runner against the Pulumi analyzer", () => {
  it("reports exactly what the analyzer of @pulumi/policy reports, on the prod stack and on broken resources", async () => {
    const prod = await runProgram({ stack: "prod" });
    const broken = agentManifest();
    broken.spec.template.spec.hostNetwork = true;
    broken.spec.template.spec.containers[0].image = "ghcr.io/openclaw/openclaw";
    const stray = namespace("tenant-stray");
    delete stray.inputs.metadata.labels["pod-security.kubernetes.io/enforce"];
    const samples = [
      resource("kubernetes:apps/v1:StatefulSet", broken),
      stray,
      helmRelease("vault", { server: { ha: { enabled: false } } }),
      resource("aws:kms/key:Key", { enableKeyRotation: false }, {}, "unrotated"),
    ];
    for (const resources of [prod.resources, samples]) {
      const inProcess = runPolicies(ALL_POLICIES, resources).violations;
      expect(sorted(inProcess)).toEqual(sorted(await analyze(resources)));
    }
    expect(runPolicies(ALL_POLICIES, samples).violations.length).toBeGreaterThan(10);
  });

  it("decides and defers exactly as the analyzer does on a first preview, where computed values are unknown", async () => {
    // As the engine sends them: the wire's unknown where the capture reads [unknown].
    const resources = policyResources(await runProgram({ stack: "prod", preview: true }));
    const inProcess = runPolicies(ALL_POLICIES, resources);
    expect(inProcess.undecided.length).toBeGreaterThan(0);
    expect(sorted(inProcess.violations)).toEqual(sorted(await analyze(resources)));
  });
});
