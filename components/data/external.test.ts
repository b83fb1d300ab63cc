import { ALL_POLICIES } from "../../policy-pack/policies";
import { runPolicies } from "../../policy-pack/testing";
import { ProgramRun, runProgram } from "../../scripts/engine/run";

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const EXISTING = { mode: "existing", kubeconfigContext: "kind-agents" };
const EXTERNAL = {
  database: { host: "pg.internal.example.com", user: "platform_api", cidrs: ["10.20.0.0/24"] },
  cache: { host: "10.30.1.15", port: 6380, user: "platform-api", cidrs: ["10.30.1.0/24", "10.30.2.0/24"] },
};

/** The prod stack on an existing cluster, with and without the operator's stores (`dataTier.external`). */
describe("the operator's data stores on an existing cluster", () => {
  let run: ProgramRun;
  let without: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod", config: { cluster: EXISTING, dataTier: { external: EXTERNAL } } });
    // prod's sizing keys are eks-only: empty is unset.
    without = await runProgram({ stack: "prod", config: { cluster: EXISTING, dataTier: {} } });
  }, 120_000);
  const apiEnv = (r: ProgramRun) => r.findResource("kubernetes:apps/v1:Deployment", "mesh-platform-api").inputs.spec.template.spec.containers[0].env;
  const policies = (r: ProgramRun) => r.findResources(NETWORK_POLICY).map((p) => [p.name, p.inputs]);

  it("DATA-02 tells the API where the operator's stores are, that TLS is verified and that its credentials come from Vault, none of them secret", () => {
    expect(apiEnv(run)).toEqual([
      { name: "PORT", value: "8080" },
      { name: "DATABASE_HOST", value: "pg.internal.example.com" },
      { name: "DATABASE_PORT", value: "5432" },
      { name: "DATABASE_NAME", value: "platform" },
      { name: "DATABASE_USER", value: "platform_api" },
      { name: "DATABASE_AUTH", value: "vault" },
      { name: "DATABASE_SSLMODE", value: "verify-full" },
      { name: "REDIS_HOST", value: "10.30.1.15" },
      { name: "REDIS_PORT", value: "6380" },
      { name: "REDIS_USER", value: "platform-api" },
      { name: "REDIS_AUTH", value: "vault" },
      { name: "REDIS_TLS", value: "true" },
      { name: "VAULT_TRANSIT_MOUNT", value: "transit" },
      { name: "VAULT_TRANSIT_KEY", value: "platform-credentials" },
    ]);
    expect(apiEnv(without)).toEqual([{ name: "PORT", value: "8080" }]);
    expect([run.outputs.databaseEndpoint, run.outputs.redisEndpoint]).toEqual(["pg.internal.example.com", "10.30.1.15"]);
  });

  it("DATA-04 opens exactly the stores' ports to exactly their ranges in the API's egress, and changes no other policy", () => {
    const api = run.findResource(NETWORK_POLICY, "mesh-platform-api").inputs;
    const baseline = without.findResource(NETWORK_POLICY, "mesh-platform-api").inputs;
    expect(api.spec.egress).toEqual([
      ...baseline.spec.egress,
      { to: [{ ipBlock: { cidr: "10.20.0.0/24" } }], ports: [{ protocol: "TCP", port: 5432 }] },
      { to: [{ ipBlock: { cidr: "10.30.1.0/24" } }, { ipBlock: { cidr: "10.30.2.0/24" } }], ports: [{ protocol: "TCP", port: 6380 }] },
    ]);
    expect({ ...api, spec: { ...api.spec, egress: baseline.spec.egress } }).toEqual(baseline);
    const others = (r: ProgramRun) => policies(r).filter(([name]) => name !== "mesh-platform-api");
    expect(others(run)).toEqual(others(without));
  });

  it("declares nothing in AWS, no pod security groups, and adds no policy-pack violation", () => {
    expect(run.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type)).toEqual([]);
    expect(run.findResources("kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy")).toEqual([]);
    // An existing cluster already fails the pack's KMS-unseal and storage-class rules (no KMS, no
    // encrypted StorageClass of the program's); the operator's stores add nothing to that.
    const mandatory = (r: ProgramRun) => runPolicies(ALL_POLICIES, r.resources).violations.filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory(run).map((v) => v.policy)).toEqual(["tenant-volumes-encrypted", "tenant-volumes-encrypted", "tenant-volumes-encrypted", "vault-ha-tls-kms"]);
    expect(mandatory(run)).toEqual(mandatory(without));
  });
});
