import { spawnSync } from "child_process";
import * as path from "path";
import { buildCertManagerResources, buildIstioResources } from "./mesh";
import { CustomResourceObject, unknownSpecKeys } from "./resources";
import { buildAgentIngressPolicy, buildAgentSidecar, buildPeerAuthentication } from "./security";

const VALIDATOR = path.join(__dirname, "schema", "validate.mjs");

interface Report {
  results: { id: string; ok: boolean; error?: string }[];
}

function validate(objects: unknown[]): { status: number | null; report: Report; stderr: string } {
  const run = spawnSync(process.execPath, [VALIDATOR], { input: JSON.stringify(objects), encoding: "utf8" });
  return { status: run.status, report: JSON.parse(run.stdout || '{"results":[]}') as Report, stderr: run.stderr };
}

const args = {
  domain: "agents.example.com",
  acmeEmail: "ops@example.com",
  platformApi: { image: "ghcr.io/example/platform-api:1.4.2", replicas: 3, port: 8080 },
  dns01: { region: "eu-west-1", hostedZoneId: "Z0123456789" },
};

/** Everything the mesh declares, plus what it hands the tenant component to declare. */
const everything: CustomResourceObject[] = [
  ...buildIstioResources(args).map((r) => r.object),
  ...buildCertManagerResources(args).map((r) => r.object),
  buildAgentSidecar("tenant-acme", { authGuardPort: 4180 }),
  buildAgentIngressPolicy("tenant-acme"),
];

describe("custom resource schemas", () => {
  it("validates every Istio and cert-manager resource against its published schema", () => {
    const { status, report, stderr } = validate(everything);
    expect(stderr).toBe("");
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.results.map((r) => r.id)).toEqual(
      everything.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`),
    );
    expect(status).toBe(0);
    expect(everything.flatMap(unknownSpecKeys)).toEqual([]);
  });

  it("fails on a misspelt enum value", () => {
    const broken = { ...buildPeerAuthentication(), spec: { mtls: { mode: "STRCT" } } };
    const { status, report } = validate([broken]);
    expect(status).toBe(1);
    expect(report.results).toEqual([
      {
        id: "security.istio.io/v1 PeerAuthentication istio-system/default",
        ok: false,
        error: "/spec/mtls/mode must be equal to one of the allowed values",
      },
    ]);
  });

  it("fails on a kind without a published schema and on an unknown spec key", () => {
    const unknownKind = { apiVersion: "networking.istio.io/v1", kind: "Gatewy", metadata: { name: "x" }, spec: {} };
    expect(validate([unknownKind]).status).toBe(1);
    const misspelt = { ...buildPeerAuthentication(), spec: { mtl: { mode: "STRICT" } } } as unknown as CustomResourceObject;
    expect(unknownSpecKeys(misspelt)).toEqual(["PeerAuthentication/default: mtl"]);
  });
});
