/**
 * The network proof (docs/decisions/network-policies.md): np-guard's netpol-analyzer computes the
 * connectivity of the prod plan's manifests plus a probe pod for each Helm-installed workload
 * (test/network/chartWorkloads.ts) and a stray pod in every namespace; the answer must equal the
 * intended map (test/network/intendedMap.ts), and removing any one policy must change it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import { privateBlocks } from "../components/data/network";
import { renderManifests } from "../scripts/plan/manifests";
import { mockClusterIp } from "../scripts/engine/mocks";
import type { CapturedResource } from "../scripts/engine/capture";
import { type ProgramRun, runProgram } from "../scripts/engine/run";
import { YAML_OPTIONS, analyze, connAtoms, connectivityMap, mergeIntervals, parseRanges, subtract } from "./network/analyzer";
import { CHART_WORKLOADS, UNLISTED, probeManifests, unlistedProbe } from "./network/chartWorkloads";
import { CHART_SERVICES, EgressPeerUse, clusterIpMismatches } from "./network/clusterIp";
import { AddressFacts, PLATFORM_FLOWS, W, asConnections, dnsFlows, namedSets, tenantFlows } from "./network/intendedMap";

const TENANTS = ["acme", "globex", "initech"];
/** Pulumi.prod.yaml: the foundation's VPC 10.40.0.0/16, whose private subnets hold the nodes and the API server's ENIs. */
const PROD: AddressFacts = {
  apiServer: mockClusterIp("kubernetes"),
  nodeNetwork: ["10.40.0.0/16"],
  vpcResolver: "10.40.0.2",
  dataTier: privateBlocks("10.40.0.0/16"),
};
const SETS = namedSets(PROD);
const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };
/** Each manifest's YAML, written once: the per-policy runs only leave one out. */
const yamlOf = new Map<Manifest, string>();

let dir: string;
let run: ProgramRun;
let resources: CapturedResource[];
let objects: Manifest[];
let policies: Manifest[];
let map: string[];

const isTenant = (ns: string) => ns.startsWith("tenant-");
const policyId = (p: Manifest) => `${p.metadata.namespace}/${p.metadata.name}`;
/** The map as the analyser computes it over `manifests` and the probes. */
function analyzedMap(manifests: Manifest[]): string[] {
  const text = (m: Manifest) => yamlOf.get(m) ?? yamlOf.set(m, stringify(m, YAML_OPTIONS)).get(m)!;
  fs.writeFileSync(path.join(dir, "plan.yaml"), manifests.map(text).join("---\n"));
  return connectivityMap(analyze(dir), SETS);
}
const lines = (pattern: RegExp) => map.filter((line) => pattern.test(line));

beforeAll(async () => {
  run = await runProgram({ stack: "prod" });
  resources = run.resources;
  objects = [...renderManifests(run.resources).values()].flatMap((text) => parseAllDocuments(text).map((doc) => doc.toJS() as Manifest));
  policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const namespaces = [...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name), "kube-system"];
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "network-proof-"));
  fs.writeFileSync(path.join(dir, "probes.yaml"), probeManifests([...CHART_WORKLOADS, ...namespaces.map(unlistedProbe)]));
  map = analyzedMap(objects);
  if (process.env.NETWORK_MAP_OUT) fs.writeFileSync(process.env.NETWORK_MAP_OUT, map.join("\n") + "\n");
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every workload of the analysis outside tenant namespaces, as the analyser names it. */
function platformWorkloads(): string[] {
  const declared = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).map((o) => ({ namespace: o.metadata.namespace!, name: o.metadata.name, kind: o.kind }));
  const namespaces = [...new Set([...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name), "kube-system"])];
  const probed = [...CHART_WORKLOADS, ...namespaces.map(unlistedProbe)];
  return [...declared, ...probed].filter((w) => !isTenant(w.namespace)).map((w) => `${w.namespace}/${w.name}[${w.kind}]`);
}

function intendedMap(): string[] {
  const flows = [...PLATFORM_FLOWS, ...TENANTS.flatMap(tenantFlows), ...dnsFlows(platformWorkloads())];
  return connectivityMap(asConnections(flows, SETS), SETS);
}

describe("network connectivity of the prod plan, computed by np-guard's netpol-analyzer", () => {
  it("ISO-02 gives every namespace the program declares a default deny, kube-system's included", () => {
    const namespaces = [...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name), "kube-system"].sort();
    const denies = policies.filter((p) => p.metadata.name === "default-deny").map((p) => [p.metadata.namespace, p.spec]);
    expect(denies.map(([ns]) => ns).sort()).toEqual(namespaces);
    for (const [, spec] of denies) expect(spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(namespaces).toEqual(expect.arrayContaining(["cert-manager", "falco", "gatekeeper-system", "istio-system", "monitoring", "vault", "tenant-acme"]));
  });

  it("ISO-02 ISO-03 NET-01 NET-02 NET-03 NET-04 NET-05 NET-06 NET-07 connect exactly the intended map", () => {
    expect(map).toEqual(intendedMap());
  });

  it("ISO-02 makes every policy count: without any one of them the analysed map differs", () => {
    expect(policies.length).toBeGreaterThan(50);
    const inert = policies.filter((p) => {
      const without = analyzedMap(objects.filter((o) => o !== p));
      return JSON.stringify(without) === JSON.stringify(map);
    });
    expect(inert.map(policyId)).toEqual([]);
  });

  it("ISO-03 finds no flow between tenants, and none from a tenant to a platform pod but istiod's 15012", () => {
    const fromTenants = lines(/^tenant-/);
    for (const line of fromTenants) {
      const [src, dst] = line.split(" : ")[0].split(" => ");
      const tenant = src.split("/")[0];
      expect([dst.startsWith(`${tenant}/`), dst === W.istiod, ["public-internet", "cloudflare-dns"].includes(dst)].some(Boolean)).toBe(true);
    }
    expect(fromTenants.filter((l) => l.includes(W.istiod))).toEqual(TENANTS.map((t) => `${W.agent(t)} => ${W.istiod} : TCP 15012`));
    expect(lines(/^tenant-\S+ => tenant-/).filter((l) => l.split(" => ")[0].split("/")[0] !== l.split(" => ")[1].split("/")[0])).toEqual([]);
  });

  it("NET-01 lets no agent send DNS anywhere; each egress proxy alone resolves, at 1.1.1.1", () => {
    expect(lines(/\/agent\[StatefulSet\] => /).filter((l) => /\b53\b/.test(l))).toEqual([]);
    expect(lines(/^tenant-.* : .*\b53\b/)).toEqual(TENANTS.map((t) => `${W.egressProxy(t)} => cloudflare-dns : TCP 53,UDP 53`));
    // No tenant pod reaches cluster DNS.
    expect(lines(/^tenant-\S+ => kube-system\//)).toEqual([]);
  });

  it("NET-03 NET-05 keep tenants off the metadata service, the Pod Identity agent and every private range", () => {
    const addressed = lines(/^tenant-/).map((l) => l.split(" : ")[0].split(" => ")[1]).filter((dst) => !dst.includes("/"));
    expect([...new Set(addressed)].sort()).toEqual(["cloudflare-dns", "public-internet"]);
  });

  it("NET-04 lets traffic leave a tenant only from its egress proxy, on TCP 443 (and DNS to 1.1.1.1)", () => {
    // Every flow from a tenant pod to an address outside the cluster's pods.
    const out = lines(/^tenant-/).filter((l) => !l.split(" : ")[0].split(" => ")[1].includes("/"));
    expect(out).toEqual(
      TENANTS.flatMap((t) => [`${W.egressProxy(t)} => cloudflare-dns : TCP 53,UDP 53`, `${W.egressProxy(t)} => public-internet : TCP 443`]).sort(),
    );
  });

  it("NET-06 admits into a tenant only the platform API on 8443, and Prometheus on 15020 and the egress proxy's 9902", () => {
    expect(lines(/ => tenant-/).filter((l) => !l.startsWith("tenant-"))).toEqual(
      TENANTS.flatMap((t) => [
        `${W.platformApi} => ${W.agent(t)} : TCP 8443`,
        `${W.prometheus} => ${W.agent(t)} : TCP 15020`,
        `${W.prometheus} => ${W.egressProxy(t)} : TCP 9902`,
      ]).sort(),
    );
  });

  it("NET-07 sends an agent's traffic only to its own egress proxy and to istiod's 15012", () => {
    expect(lines(/\/agent\[StatefulSet\] => /)).toEqual(
      TENANTS.flatMap((t) => [`${W.agent(t)} => ${W.egressProxy(t)} : TCP 3128,8443`, `${W.agent(t)} => ${W.istiod} : TCP 15012`]).sort(),
    );
  });

  it("DATA-04 lets only the platform API reach the data tier's ports; no tenant and no other platform workload can", () => {
    const dataTier = SETS["data-tier"];
    const reaches = (line: string) => {
      const [flow, conn] = line.split(" : ");
      const dst = flow.split(" => ")[1];
      if (dst.includes("/")) return false;
      const set = mergeIntervals(dst.split(" + ").flatMap((name) => SETS[name] ?? parseRanges(name) ?? []));
      const overlaps = JSON.stringify(subtract(dataTier, set)) !== JSON.stringify(dataTier);
      return overlaps && connAtoms(conn).some((atom) => ["*", "TCP/5432", "TCP/6379"].includes(atom));
    };
    expect(map.filter(reaches)).toEqual([`${W.platformApi} => data-tier : TCP 5432,6379`]);
    expect(SETS["data-tier"]).toEqual([[0x0a280000, 0x0a28dfff]]);
  });

  it("names every platform flow and lets the stray pod of each namespace do no more than resolve names", () => {
    expect(PLATFORM_FLOWS.filter((flow) => flow.why.trim().length < 10)).toEqual([]);
    const stray = lines(new RegExp(`/${UNLISTED}\\[`));
    expect(stray.every((l) => l.endsWith(`=> ${W.coredns} : TCP 53,UDP 53`))).toBe(true);
    expect(stray.filter((l) => l.startsWith("tenant-"))).toEqual([]);
  });

  it("declares each namespace's policies before the charts and workloads in it, and CoreDNS's before every chart", () => {
    const NP_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
    const RELEASE = "kubernetes:helm.sh/v3:Release";
    const workloads = resources.filter((r) => r.type === RELEASE || /^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet)|batch\/v1:CronJob)$/.test(r.type));
    const namespaceOf = (r: CapturedResource) => (r.type === RELEASE ? r.inputs.namespace : r.inputs.metadata?.namespace);
    const coredns = resources.find((r) => r.type === NP_TYPE && r.inputs.metadata.namespace === "kube-system" && r.inputs.metadata.name === "coredns")!;
    const late = workloads.flatMap((w) => {
      const before = run.waitsFor(w);
      // The policies its own component declares in its namespace, the namespace's baseline included.
      const needed = resources.filter((p) => p.type === NP_TYPE && p.parent === w.parent && p.inputs.metadata.namespace === namespaceOf(w));
      return [...needed, ...(w.type === RELEASE ? [coredns] : [])].filter((p) => !before.has(p.urn)).map((p) => `${w.name} before ${p.name}`);
    });
    expect(workloads.length).toBeGreaterThan(15);
    expect(workloads.every((w) => resources.some((p) => p.type === NP_TYPE && p.parent === w.parent))).toBe(true);
    expect(late).toEqual([]);
  });

  it("writes every rule to a Service's pods with that Service's selector, so the VPC CNI admits its ClusterIP", () => {
    const services = [
      ...CHART_SERVICES,
      ...objects
        .filter((o) => o.kind === "Service" && o.spec?.selector)
        .map((o) => ({ namespace: o.metadata.namespace!, name: o.metadata.name, selector: o.spec.selector as Record<string, string> })),
    ];
    const pods = [
      ...CHART_WORKLOADS,
      ...objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).map((o) => ({
        namespace: o.metadata.namespace!,
        labels: (o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template).metadata.labels as Record<string, string>,
      })),
    ];
    const peers: EgressPeerUse[] = policies.flatMap((p) =>
      ((p.spec.egress ?? []) as any[]).flatMap((rule, i) =>
        ((rule.to ?? []) as any[])
          .filter((peer) => peer.podSelector)
          .flatMap((peer) => {
            const named = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"];
            const inTenants = peer.namespaceSelector?.matchExpressions !== undefined;
            const namespaces = named ? [named] : inTenants ? TENANTS.map((t) => `tenant-${t}`) : [p.metadata.namespace!];
            return namespaces.map((namespace) => ({ where: `${policyId(p)} egress rule ${i + 1}`, namespace, podSelector: peer.podSelector }));
          }),
      ),
    );
    expect(peers.length).toBeGreaterThan(40);
    expect(clusterIpMismatches(peers, services, pods)).toEqual([]);
  });
});
