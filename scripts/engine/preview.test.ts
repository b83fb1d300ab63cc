import { policyResources, runPolicyPack } from "../plan/policies";
import { UNKNOWN, knownAtPreview } from "./mocks";
import { ProgramRun, runProgram } from "./run";
import { stackSetting } from "./stackFile";
import { UNKNOWN_MARK } from "./serialize";

/**
 * A first `pulumi preview` from an empty account: nothing exists, so every value a provider
 * computes is unknown, and so is every input made from one. The plan must show what that preview
 * shows, and the policy pack must decide what it can and say what it cannot.
 */

const KUBE_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Paths of every value marked unknown, as `a.b[0].c`. */
function unknownPaths(value: unknown, at = ""): string[] {
  if (value === UNKNOWN_MARK) return [at];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownPaths(item, `${at}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => unknownPaths(item, at ? `${at}.${key}` : key));
  return [];
}

describe("knownAtPreview", () => {
  it("keeps what the inputs said and marks each computed leaf unknown", () => {
    expect(knownAtPreview({ type: "ClusterIP", ports: [80], clusterIP: "172.20.0.9" }, { type: "ClusterIP", ports: [80] })).toEqual({
      type: "ClusterIP",
      ports: [80],
      clusterIP: UNKNOWN,
    });
    expect(knownAtPreview("arn:aws:kms:us-east-1:123456789012:key/x", undefined)).toBe(UNKNOWN);
    expect(knownAtPreview("given", "given")).toBe("given");
  });
});

describe("a first preview of prod", () => {
  let update: ProgramRun;
  let preview: ProgramRun;
  beforeAll(async () => {
    update = await runProgram({ stack: "prod" });
    preview = await runProgram({ stack: "prod", preview: true });
  });

  it("declares the same resources as the update", () => {
    // In another order: what waits for an output registers when that output resolves.
    expect(preview.resources.map((r) => r.urn).sort()).toEqual(update.resources.map((r) => r.urn).sort());
  });

  it("does not know what the cloud computes: key IDs, role ARNs, the API server's and istiod's addresses", () => {
    expect(update.findResource("aws:kms/alias:Alias", "cluster-secrets").inputs.targetKeyId).toBe("cluster-secrets-key-id");
    expect(preview.findResource("aws:kms/alias:Alias", "cluster-secrets").inputs.targetKeyId).toBe(UNKNOWN_MARK);
    expect(unknownPaths(preview.findResource("aws:eks/cluster:Cluster", "cluster-eks").inputs)).toEqual(["encryptionConfig.provider.keyArn", "roleArn"]);
    // istiod's address, and the egress proxy's ClusterIP the provider endpoint's name is pinned to (SEC-09).
    expect(unknownPaths(preview.findResource("kubernetes:apps/v1:StatefulSet", "tenant-acme-agent").inputs.spec.template.spec.hostAliases)).toEqual(["[0].ip", "[1].ip"]);
  });

  it("leaves unknown only the fields that depend on an unknown: a network policy's API-server rule, not its whole spec", () => {
    const policy = preview.findResource(KUBE_POLICY, "mesh-istiod");
    const paths = unknownPaths(policy.inputs);
    expect(paths).toEqual(["spec.egress[0].to[0].ipBlock.cidr"]);
    expect(policy.inputs.spec.podSelector).toEqual(update.findResource(KUBE_POLICY, "mesh-istiod").inputs.spec.podSelector);
    for (const p of preview.findResources(KUBE_POLICY)) {
      expect(unknownPaths(p.inputs).every((at) => /\.ipBlock\.cidr$/.test(at))).toBe(true);
    }
  });

  it("leaves unknown only Vault's seal stanza of its Helm values, and only the bucket and key arguments of the snapshot job", () => {
    const values = preview.findResource(RELEASE, "vault-release").inputs.values;
    expect(unknownPaths(values)).toEqual(["server.ha.raft.config"]);
    const known = update.findResource(RELEASE, "vault-release").inputs.values;
    expect({ ...values, server: { ...values.server, ha: { ...values.server.ha, raft: {} } } }).toEqual({
      ...known,
      server: { ...known.server, ha: { ...known.server.ha, raft: {} } },
    });
    const cron = preview.findResource("kubernetes:batch/v1:CronJob", "vault-snapshot").inputs;
    // The upload's arguments name the bucket and the key; the rest of the job is known.
    expect(unknownPaths(cron.spec)).toEqual(["jobTemplate.spec.template.spec.containers[0].args[3]", "jobTemplate.spec.template.spec.containers[0].args[9]"]);
    expect(cron.spec.schedule).toBe(update.findResource("kubernetes:batch/v1:CronJob", "vault-snapshot").inputs.spec.schedule);
  });

  it("passes the policy pack: no mandatory violation, and each validation that met an unknown says so as an advisory", () => {
    const result = runPolicyPack(policyResources(preview));
    expect(result.mandatoryFailures).toBe(0);
    expect(result.undecided).toBeGreaterThan(0);
    const undecided = result.violations.filter((v) => v.message.startsWith("can't run policy"));
    expect(undecided).toHaveLength(result.undecided);
    expect(undecided.every((v) => v.enforcementLevel === "advisory")).toBe(true);
    expect(undecided).toContainEqual({
      policy: "vault-ha-tls-kms",
      enforcementLevel: "advisory",
      urn: preview.findResource(RELEASE, "vault-release").urn,
      message:
        "can't run policy 'vault-ha-tls-kms' from policy pack 'agent-platform@v0.1.0' during preview: string value at .values.server.ha.raft.config can't be known during preview",
    });
    // What is known is still decided: the quorum and zone spread of Vault are checked in the preview.
    expect(result.violations.some((v) => v.policy === "ha-vault-and-ingress")).toBe(false);
    expect(runPolicyPack(policyResources(update)).undecided).toBe(0);
  });

  it("still fails on a real violation among the known values", () => {
    const resources = policyResources(preview).map((r) =>
      r.name === "tenant-acme-agent" ? { ...r, inputs: { ...r.inputs, spec: { ...r.inputs.spec, template: { ...r.inputs.spec.template, spec: { ...r.inputs.spec.template.spec, hostNetwork: true } } } } } : r,
    );
    const result = runPolicyPack(resources);
    expect(result.mandatoryFailures).toBeGreaterThan(0);
    expect(result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy)).toContain("no-host-access");
  });

  it("hands the pack the engine's unknown, not the plan's readable mark", () => {
    const alias = policyResources(preview).find((r) => r.name === "cluster-secrets" && r.type === "aws:kms/alias:Alias")!;
    expect(alias.inputs.targetKeyId).toBe(UNKNOWN);
  });
});

describe("a first preview of a tenants shard", () => {
  it("reads its platform stack (which exists) even in a preview: the kubeconfig and Vault mount are known", async () => {
    const run = await runProgram({
      stack: "prod-tenants",
      preview: true,
      stackDocument: { config: { stackRole: "tenants", platformStack: "acme/agent-platform/prod", tenants: stackSetting("prod", "tenants") } },
    });
    const provider = run.findResource("pulumi:providers:kubernetes", "platform-cluster");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(unknownPaths(provider.inputs)).toEqual([]);
    expect(runPolicyPack(policyResources(run)).mandatoryFailures).toBe(0);
  });
});
