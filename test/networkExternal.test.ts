/**
 * The network proof for an existing cluster's operator-run stores (`dataTier.external`): the
 * analyser computes the connectivity of that plan's manifests plus the chart probes and a stray pod
 * in every namespace, as test/network.test.ts does for prod, and only the platform API may reach
 * the stores' ranges on their ports.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import { renderManifests } from "../scripts/plan/manifests";
import { mockClusterIp } from "../scripts/engine/mocks";
import { runProgram } from "../scripts/engine/run";
import { YAML_OPTIONS, addressSet, analyze, connAtoms, connectivityMap, mergeIntervals, parseRanges, subtract } from "./network/analyzer";
import { CHART_WORKLOADS, probeManifests, unlistedProbe } from "./network/chartWorkloads";
import { W, namedSets } from "./network/intendedMap";

const EXTERNAL = {
  database: { host: "pg.internal.example.com", user: "platform_api", cidrs: ["10.20.0.0/24"] },
  cache: { host: "10.30.1.15", port: 6380, user: "platform-api", cidrs: ["10.30.1.0/24", "10.30.2.0/24"] },
};
// An existing cluster's node network is cluster.vpcCidr, 10.0.0.0/16 by default; the stores lie outside it.
const SETS = {
  ...namedSets({ apiServer: mockClusterIp("kubernetes"), nodeNetwork: ["10.0.0.0/16"], vpcResolver: "10.0.0.2" }),
  "operator-database": addressSet(EXTERNAL.database.cidrs),
  "operator-cache": addressSet(EXTERNAL.cache.cidrs),
};

type Manifest = { kind: string; metadata: { name: string; namespace?: string } };
let dir: string;
let map: string[];

beforeAll(async () => {
  const run = await runProgram({ stack: "prod", config: { cluster: { mode: "existing", kubeconfigContext: "kind-agents" }, dataTier: { external: EXTERNAL } } });
  const objects = [...renderManifests(run.resources).values()].flatMap((text) => parseAllDocuments(text).map((doc) => doc.toJS() as Manifest));
  const namespaces = [...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name), "kube-system"];
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "network-external-"));
  fs.writeFileSync(path.join(dir, "probes.yaml"), probeManifests([...CHART_WORKLOADS, ...namespaces.map(unlistedProbe)]));
  fs.writeFileSync(path.join(dir, "plan.yaml"), objects.map((o) => stringify(o, YAML_OPTIONS)).join("---\n"));
  map = connectivityMap(analyze(dir), SETS);
}, 300_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The analysed flows whose destination overlaps `store` on `port` (or on every port). */
function reaching(store: keyof typeof SETS, port: number): string[] {
  return map.filter((line) => {
    const [flow, conn] = line.split(" : ");
    const dst = flow.split(" => ")[1];
    if (dst.includes("/") && !parseRanges(dst)) return false;
    const set = mergeIntervals(dst.split(" + ").flatMap((name) => SETS[name as keyof typeof SETS] ?? parseRanges(name) ?? []));
    const overlaps = JSON.stringify(subtract(SETS[store], set)) !== JSON.stringify(SETS[store]);
    return overlaps && connAtoms(conn).some((atom) => ["*", `TCP/${port}`].includes(atom));
  });
}

describe("network proof of an existing cluster with the operator's stores", () => {
  it("DATA-04 lets only the platform API reach the operator's stores' ranges on their ports; no tenant and no other platform workload can", () => {
    expect(reaching("operator-database", 5432)).toEqual([`${W.platformApi} => operator-database : TCP 5432`]);
    expect(reaching("operator-cache", 6380)).toEqual([`${W.platformApi} => operator-cache : TCP 6380`]);
    // The API reaches those ranges on nothing else.
    expect(map.filter((line) => line.startsWith(`${W.platformApi} => operator-`))).toEqual([
      `${W.platformApi} => operator-cache : TCP 6380`,
      `${W.platformApi} => operator-database : TCP 5432`,
    ]);
  });
});
