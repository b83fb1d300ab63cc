import { type ProgramRun, runProgram } from "../scripts/engine/run";

const PLATFORM_PARTS = [
  "agent-platform:admission:Gatekeeper::admission",
  "agent-platform:mesh:Mesh::mesh",
  "agent-platform:vault:VaultSecretsOperator::vault-secrets-operator",
  "agent-platform:runtime:GvisorMonitor::gvisor-monitor",
];

/** The custom resources of a component, at any depth. */
function customResourcesOf(run: ProgramRun, componentUrn: string): string[] {
  return run.childrenOf(componentUrn).flatMap((child) => (child.custom ? [child.urn] : customResourcesOf(run, child.urn)));
}

describe("what a tenant waits for", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });

  const partUrn = (suffix: string) => run.resources.find((r) => r.urn.endsWith(suffix))!.urn;
  const platformResources = () => PLATFORM_PARTS.flatMap((suffix) => customResourcesOf(run, partUrn(suffix)));
  const tenantResources = () => run.resources.filter((r) => r.custom && r.name.startsWith("tenant-acme-"));

  it("starts its custom resources and pods only once admission, the mesh, the secrets operator and the runtime monitor all exist", () => {
    const platform = platformResources();
    expect(platform.length).toBeGreaterThan(60);
    const needsPlatform = tenantResources().filter((r) => /StatefulSet|Deployment|cert-manager|secrets\.hashicorp|istio/.test(r.type));
    expect(needsPlatform.map((r) => r.name).sort()).toEqual([
      "tenant-acme-agent",
      "tenant-acme-agent-policy",
      "tenant-acme-ai-provider-key",
      "tenant-acme-certificate-egress-proxy-tls",
      "tenant-acme-certificate-tenant-ca",
      "tenant-acme-egress-proxy",
      "tenant-acme-issuer-tenant-ca",
      "tenant-acme-issuer-tenant-ca-root",
      "tenant-acme-sidecar",
      "tenant-acme-vault-auth",
    ]);
    const early = needsPlatform.flatMap((r) => {
      const before = run.waitsFor(r);
      return platform.filter((urn) => !before.has(urn)).map((urn) => `${r.name} before ${urn.split("::").pop()}`);
    });
    expect(early).toEqual([]);
  });

  it("records that wait as one dependency on the platform-ready marker, not on every platform resource", () => {
    const ready = run.findResource("kubernetes:core/v1:ConfigMap", "platform-ready");
    expect(ready.inputs.metadata).toMatchObject({ namespace: "kube-system", name: "agent-platform-ready" });
    expect(ready.inputs.data).toEqual({ waitsFor: "admission,gvisor-monitor,mesh,vault-secrets-operator" });
    const platform = platformResources();
    expect(platform.filter((urn) => !ready.options.dependsOn.includes(urn))).toEqual([]);
    const recorded = tenantResources().reduce((sum, r) => sum + r.options.dependsOn.length, 0);
    expect(tenantResources().filter((r) => r.options.dependsOn.some((urn) => platform.includes(urn))).map((r) => r.name)).toEqual([]);
    expect(recorded).toBeLessThan(80);
  });
});
