import { CONTROL_DEFINITIONS } from "../controls/definitions";
import { policyResources, runPolicyPack } from "../scripts/plan/policies";
import { ProgramRun, runProgram } from "../scripts/engine/run";
import { stackSetting } from "../scripts/engine/stackFile";
import { agentManifest, resource } from "./fixtures";
import { ALL_POLICIES } from "./policies";
import { runPolicies } from "./testing";

const PACK_CONTROLS = CONTROL_DEFINITIONS.filter((c) => c.layers.includes("pack")).map((c) => c.id);
const controlsOf = (description: string) => description.match(/\b(ISO|NET|EDGE|AUTH|SEC|ADM|RUN|CLU|DATA)-\d\d\b/g) ?? [];

describe("agent-platform policy pack", () => {
  it("names each policy once in kebab-case and ties it to a control of the pack layer", () => {
    const names = ALL_POLICIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(n))).toEqual([]);
    expect(ALL_POLICIES.filter((p) => controlsOf(p.description).length === 0).map((p) => p.name)).toEqual([]);
    const strangers = ALL_POLICIES.flatMap((p) => controlsOf(p.description)).filter((id) => !PACK_CONTROLS.includes(id));
    expect(strangers).toEqual([]);
  });

  it("covers every control whose layers include the pack", () => {
    const covered = new Set(ALL_POLICIES.flatMap((p) => controlsOf(p.description)));
    expect(PACK_CONTROLS.filter((id) => !covered.has(id))).toEqual([]);
  });

  it("is mandatory everywhere except the :latest tag, which the seeds make a warning", () => {
    expect(ALL_POLICIES.filter((p) => p.enforcementLevel !== "mandatory").map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["image-tag-not-latest", "advisory"],
    ]);
  });

  describe("against the prod stack", () => {
    let prod: ProgramRun;
    beforeAll(async () => {
      prod = await runProgram({ stack: "prod" });
    });

    it("passes every policy: no mandatory and no advisory violation", () => {
      expect(runPolicies(ALL_POLICIES, prod.resources).violations).toEqual([]);
    });

    it("keeps agent egress to the AI APIs and the platform API when the pack names them", () => {
      const hosts = ["api.agents.example.com", "api.anthropic.com", "api.openai.com", "*.openai.azure.com"];
      expect(runPolicies(ALL_POLICIES, prod.resources, { "egress-proxy-allowlist": { allowedEgressHosts: hosts } }).violations).toEqual([]);
      const narrow = runPolicies(ALL_POLICIES, prod.resources, { "egress-proxy-allowlist": { allowedEgressHosts: hosts.slice(0, 2) } });
      expect(narrow.violations.map((v) => v.message)).toEqual([
        "ConfigMap tenant-globex/egress-proxy forwards api.openai.com, which is not in allowedEgressHosts: remove it or allow it in the pack configuration.",
        "ConfigMap tenant-initech/egress-proxy forwards initech-prod.openai.azure.com, which is not in allowedEgressHosts: remove it or allow it in the pack configuration.",
      ]);
    });

    it("applies every policy to something the program declares, except those whose resources prod does not declare", () => {
      const { applied } = runPolicies(ALL_POLICIES, prod.resources);
      // No RoleBindings (RBAC comes from charts) and no Vault configuration (vault.configure is off in prod).
      expect(Object.keys(applied).filter((name) => applied[name] === 0)).toEqual(["no-cluster-admin-workloads", "vault-agent-secrets-templated"]);
      expect(applied["tenant-default-deny"]).toBe(1);
      expect(applied["pod-seccomp-runtime-default"]).toBe(prod.resources.filter((r) => /:(Deployment|StatefulSet|DaemonSet|CronJob)$/.test(r.type)).length);
    });

    it("reports for the plan: nothing fails on prod, and a broken resource fails with its policy, resource and fix", () => {
      const clean = runPolicyPack(prod.resources);
      expect(clean.mandatoryFailures).toBe(0);
      expect(clean.report).toEqual([`${ALL_POLICIES.length} policies checked ${prod.resources.length} resources: 0 mandatory violation(s), 0 advisory.`]);
      const manifest = agentManifest();
      manifest.spec.template.spec.containers[0].image = "ghcr.io/openclaw/openclaw:latest";
      manifest.spec.template.spec.hostPID = true;
      const broken = resource("kubernetes:apps/v1:StatefulSet", manifest, {}, "tenant-acme-agent");
      const resources = [...prod.resources.filter((r) => r.name !== "tenant-acme-agent"), broken];
      const result = runPolicyPack(resources);
      expect(result.mandatoryFailures).toBe(1);
      expect(result.report).toEqual([
        `${ALL_POLICIES.length} policies checked ${prod.resources.length} resources: 1 mandatory violation(s), 1 advisory.`,
        "",
        "| Level | Policy | Resource | Message |",
        "|---|---|---|---|",
        `| mandatory | no-host-access | ${broken.urn} | StatefulSet tenant-acme/agent sets hostPID: remove it; tenant pods must not share host namespaces. |`,
        `| advisory | image-tag-not-latest | ${broken.urn} | StatefulSet tenant-acme/agent container "gateway" runs ghcr.io/openclaw/openclaw:latest, which floats on :latest: pin a version tag or a digest. |`,
      ]);
      const switched = runPolicyPack(resources, { "image-tag-not-latest": "mandatory", "no-host-access": { exemptNamespaces: ["tenant-acme"] } });
      expect(switched.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["image-tag-not-latest", "mandatory"]]);
    });
  });

  it("passes a tenant shard, which reads its platform stack, trusting only the StorageClasses it is told that stack declares", async () => {
    const shard = await runProgram({
      stack: "prod-tenants",
      stackDocument: { config: { stackRole: "tenants", platformStack: "acme/agent-platform/prod", tenants: stackSetting("prod", "tenants") } },
    });
    // As the engine hands them to the pack: the declared resources and the StackReference read.
    const asEngineSends = policyResources(shard);
    expect(runPolicies(ALL_POLICIES, asEngineSends).violations).toEqual([]);
    const untold = runPolicies(ALL_POLICIES, asEngineSends, { "tenant-volumes-encrypted": { externalEncryptedStorageClasses: [] } }).violations;
    expect(untold.map((v) => v.policy)).toEqual(Array(3).fill("tenant-volumes-encrypted"));
    // Without a StackReference nothing vouches for a class declared elsewhere.
    expect(runPolicies(ALL_POLICIES, shard.resources).violations.map((v) => v.policy)).toEqual(Array(3).fill("tenant-volumes-encrypted"));
  });

  it("SEC-04 checks the program's own Vault policies when Vault is configured, and they pass", async () => {
    const run = await runProgram({ stack: "prod", config: { vault: { configure: true, address: "https://vault.agents.example.com" } } });
    const { violations, applied } = runPolicies(ALL_POLICIES, run.resources);
    expect(violations).toEqual([]);
    expect(applied["vault-agent-secrets-templated"]).toBe(3);
  });
});
