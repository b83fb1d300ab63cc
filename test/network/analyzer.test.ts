import { addressSet, cidrInterval, connAtoms, connectivityMap, mergeIntervals, nameSet, normalConn, parseRanges, subtract } from "./analyzer";
import { CHART_SERVICES, clusterIpMismatches, selects } from "./clusterIp";
import { probeManifest } from "./chartWorkloads";
import { asConnections, namedSets } from "./intendedMap";

const SETS = namedSets({ apiServer: "172.20.0.1", nodeNetwork: ["10.40.0.0/19", "10.40.32.0/19"], vpcResolver: "10.40.0.2" });

describe("reading the analyser's answer", () => {
  it("does interval arithmetic on IPv4 ranges", () => {
    expect(cidrInterval("10.0.0.0/8")).toEqual([167772160, 184549375]);
    expect(cidrInterval("1.1.1.1/32")).toEqual([16843009, 16843009]);
    expect(mergeIntervals([[5, 9], [1, 3], [4, 4], [20, 30]])).toEqual([[1, 9], [20, 30]]);
    expect(subtract([[0, 100]], [[10, 20], [90, 200]])).toEqual([[0, 9], [21, 89]]);
    expect(addressSet(["0.0.0.0/0"], ["0.0.0.0/1"])).toEqual([[2 ** 31, 2 ** 32 - 1]]);
    expect(parseRanges("1.1.1.1-1.1.1.1,0.0.0.0-1.1.1.0")).toEqual([[0, 16843009]]);
    expect(parseRanges("tenant-acme/agent[StatefulSet]")).toBeUndefined();
  });

  it("names an address set only when it is exactly a union of named sets", () => {
    expect(nameSet(SETS["public-internet"], SETS)).toBe("public-internet");
    expect(nameSet(mergeIntervals([...SETS["kube-apiserver"], ...SETS["node-network"]]), SETS)).toBe("kube-apiserver + node-network");
    // A set nothing names exactly is printed as its ranges, so a wrong flow shows what it reaches.
    expect(nameSet([cidrInterval("10.40.0.0/24")], SETS)).toBe("10.40.0.0-10.40.0.255");
  });

  it("reads and writes connections in the analyser's form, whatever order they were written in", () => {
    expect(connAtoms("TCP 53,443,UDP 53")).toEqual(["TCP/53", "TCP/443", "UDP/53"]);
    expect(normalConn("UDP 53,TCP 53")).toBe("TCP 53,UDP 53");
    expect(normalConn("TCP 9093,8080")).toBe("TCP 8080,9093");
    expect(normalConn("All Connections")).toBe("All Connections");
    expect(() => connAtoms("53")).toThrow('cannot read connection "53"');
  });

  it("merges the analyser's disjoint address blocks back per port, and names them", () => {
    const analysed = [
      { src: "t/proxy[Deployment]", dst: "0.0.0.0-1.1.1.0", conn: "TCP 443" },
      { src: "t/proxy[Deployment]", dst: "1.1.1.1-1.1.1.1", conn: "TCP 53,443,UDP 53" },
      { src: "t/agent[StatefulSet]", dst: "t/proxy[Deployment]", conn: "TCP 3128" },
    ];
    expect(connectivityMap(analysed, { low: addressSet(["0.0.0.0/8"]) })).toEqual([
      "t/agent[StatefulSet] => t/proxy[Deployment] : TCP 3128",
      "t/proxy[Deployment] => 0.0.0.0-1.1.1.1 : TCP 443",
      "t/proxy[Deployment] => 1.1.1.1 : TCP 53,UDP 53",
    ]);
  });

  it("normalises the intended flows exactly as it does the analyser's, merging flows between one pair", () => {
    const flows = [
      { why: "a", from: "m/prometheus[StatefulSet]", to: "kube-system/coredns[Deployment]", conn: "UDP 53,TCP 53" },
      { why: "b", from: "m/prometheus[StatefulSet]", to: "kube-system/coredns[Deployment]", conn: "TCP 9153" },
      { why: "c", from: "m/prometheus[StatefulSet]", to: "kube-apiserver", conn: "TCP 443" },
      { why: "d", from: "m/prometheus[StatefulSet]", to: "node-network", conn: "TCP 443,10250" },
    ];
    expect(connectivityMap(asConnections(flows, SETS), SETS)).toEqual([
      "m/prometheus[StatefulSet] => kube-apiserver + node-network : TCP 443",
      "m/prometheus[StatefulSet] => kube-system/coredns[Deployment] : TCP 53,9153,UDP 53",
      "m/prometheus[StatefulSet] => node-network : TCP 10250",
    ]);
  });
});

describe("probe workloads and the VPC CNI's ClusterIP rule", () => {
  it("renders a probe with exactly the chart's labels, a Job without a selector", () => {
    const probe = probeManifest({ namespace: "ns", kind: "Job", name: "hook", source: "x", labels: { "job-name": "hook" }, ports: [] });
    expect(probe).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "hook", namespace: "ns" },
      spec: {
        template: {
          metadata: { labels: { "job-name": "hook" } },
          spec: { restartPolicy: "Never", containers: [{ name: "probe", image: "registry.k8s.io/pause:3.10", ports: [] }] },
        },
      },
    });
  });

  it("matches label selectors as Kubernetes does", () => {
    const labels = { app: "gatekeeper", "control-plane": "controller-manager" };
    expect(selects({ matchLabels: { app: "gatekeeper" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: "gatekeeper", chart: "gatekeeper" } }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "chart", operator: "DoesNotExist" }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "app", operator: "In", values: ["x"] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["x"] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "app", operator: "Exists" }] }, labels)).toBe(true);
  });

  it("reports a rule to a Service's pods whose selector is not a subset of the Service's", () => {
    const dns = { namespace: "kube-system", labels: { "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns" } };
    const peer = (podSelector: object) => ({ where: "ns/p egress rule 1", namespace: "kube-system", podSelector });
    expect(clusterIpMismatches([peer({ matchLabels: { "k8s-app": "kube-dns" } })], CHART_SERVICES, [dns])).toEqual([]);
    // Selects CoreDNS's pods, but by a label the kube-dns Service does not carry: its ClusterIP is dropped.
    expect(clusterIpMismatches([peer({ matchLabels: { "eks.amazonaws.com/component": "coredns" } })], CHART_SERVICES, [dns])).toEqual([
      "ns/p egress rule 1 reaches kube-system/kube-dns's pods but its selector does not match the Service's",
    ]);
  });
});
