import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../scripts/engine/run";
import { clusterNetworkFacts } from "./cluster";
import { declareNetworkPolicies } from "./declare";
import { PLATFORM_NAMESPACES, buildKubeSystemPolicies } from "./kubeSystem";
import { allowDns, defaultDeny, fromApiServer, jobPods, tenantPods, toApiServer, workloadPolicy } from "./policy";
import { EXAMPLE_NETWORK } from "./testing";

const labels = (name: string) => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/part-of": "agent-platform",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/component": "network-policy",
});

describe("the NetworkPolicy vocabulary", () => {
  it("denies everything by default and resolves names only at CoreDNS, by the kube-dns Service's selector", () => {
    expect(defaultDeny("vault")).toEqual({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny", namespace: "vault", labels: labels("default-deny") },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    expect(allowDns("vault").spec).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        },
      ],
    });
  });

  it("reaches the API server at its ClusterIP and admits its webhook calls from the nodes' subnets", () => {
    expect(toApiServer(EXAMPLE_NETWORK)).toEqual({ to: [{ ipBlock: { cidr: "172.20.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] });
    expect(fromApiServer(EXAMPLE_NETWORK, 8443)).toEqual({
      from: [{ ipBlock: { cidr: "10.0.0.0/19" } }, { ipBlock: { cidr: "10.0.32.0/19" } }, { ipBlock: { cidr: "10.0.64.0/19" } }],
      ports: [{ protocol: "TCP", port: 8443 }],
    });
  });

  it("selects tenants' pods by the tenant label, hook Jobs by the Job controller's label, and types each policy by its rules", () => {
    expect(tenantPods({ a: "b" })).toEqual({
      namespaceSelector: { matchExpressions: [{ key: "agent-platform.io/tenant", operator: "Exists" }] },
      podSelector: { matchLabels: { a: "b" } },
    });
    expect(jobPods("z-hook", "a-hook")).toEqual({ matchExpressions: [{ key: "batch.kubernetes.io/job-name", operator: "In", values: ["a-hook", "z-hook"] }] });
    expect(workloadPolicy("ns", "x", {}, { egress: [] }).spec.policyTypes).toEqual(["Egress"]);
    expect(workloadPolicy("ns", "x", {}, { ingress: [], egress: [] }).spec.policyTypes).toEqual(["Ingress", "Egress"]);
  });

  it("takes the nodes' and API server's network and the VPC resolver from the stack configuration", () => {
    expect(clusterNetworkFacts({ vpcCidr: "10.40.0.0/16" })).toEqual({ nodeCidrs: ["10.40.0.0/16"], vpcResolver: "10.40.0.2" });
    expect(clusterNetworkFacts({ vpcCidr: "192.168.0.0/20" })).toEqual({ nodeCidrs: ["192.168.0.0/20"], vpcResolver: "192.168.0.2" });
  });
});

describe("kube-system's add-on policies", () => {
  const policies = buildKubeSystemPolicies(EXAMPLE_NETWORK);

  it("lets every platform namespace, and no tenant, resolve names at CoreDNS, which forwards to the VPC resolver", () => {
    expect(policies.map((p) => p.metadata.name)).toEqual(["default-deny", "allow-dns", "coredns", "ebs-csi-controller", "ebs-csi-node"]);
    const coredns = policies.find((p) => p.metadata.name === "coredns")!.spec;
    expect(coredns.ingress![0].from).toEqual([{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: PLATFORM_NAMESPACES }] } }]);
    expect(PLATFORM_NAMESPACES.filter((ns) => ns.startsWith("tenant-"))).toEqual([]);
    expect(PLATFORM_NAMESPACES).toEqual(
      ["cert-manager", "falco", "gatekeeper-system", "istio-ingress", "istio-system", "kube-system", "monitoring", "platform-api", "vault", "vault-secrets-operator"],
    );
    expect(coredns.egress).toEqual([
      { to: [{ ipBlock: { cidr: "10.0.0.2/32" } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
      { to: [{ ipBlock: { cidr: "172.20.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });
});

describe("declaring policies", () => {
  it("names them before the API server's address is known, fills it in, and waits for what the network says", async () => {
    const run = await runProgram({
      configOnly: true,
      program: async () => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const first = new k8s.core.v1.ConfigMap("first", { metadata: { name: "first" } }, { provider });
        const address = pulumi.output("172.20.0.9");
        declareNetworkPolicies("x", buildKubeSystemPolicies, { ...EXAMPLE_NETWORK, apiServerAddress: address, dependsOn: [first] }, { provider });
      },
    });
    const coredns = run.findResource("kubernetes:networking.k8s.io/v1:NetworkPolicy", "x-coredns");
    expect(coredns.inputs.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: "172.20.0.9/32" } }], ports: [{ protocol: "TCP", port: 443 }] });
    expect(coredns.options.dependsOn).toContain(run.findResource("kubernetes:core/v1:ConfigMap", "first").urn);
  });
});
