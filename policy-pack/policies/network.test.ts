import { PROXY_EGRESS, PUBLIC_EXCEPT, agent, agentManifest, messages, networkPolicy, resource } from "../fixtures";
import {
  agentEgressViaProxy,
  agentSendsNoDns,
  egressBlocksMetadata,
  egressBlocksPrivate,
  egressHttpsOnly,
  gatewayPortClosed,
  noCrossTenantTraffic,
  parseCidr,
  reachableRanges,
} from "./network";

const AGENT_SELECTOR = { matchLabels: { "agent-platform.io/workload": "agent" } };
const PLATFORM_API = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform-api" } }, podSelector: { matchLabels: { app: "platform-api" } } };

/** The agent's own rules: the proxy and istiod, no DNS; and ingress from the platform API on the auth-guard port. */
const AGENT_EGRESS = {
  podSelector: AGENT_SELECTOR,
  policyTypes: ["Egress"],
  egress: [
    { to: [{ podSelector: { matchLabels: { "agent-platform.io/workload": "egress-proxy" } } }], ports: [{ protocol: "TCP", port: 3128 }] },
    { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } } }], ports: [{ protocol: "TCP", port: 15012 }] },
  ],
};
const AGENT_INGRESS = { podSelector: AGENT_SELECTOR, policyTypes: ["Ingress"], ingress: [{ from: [PLATFORM_API], ports: [{ protocol: "TCP", port: 8443 }] }] };
const compliant = () => [networkPolicy("agent-egress", AGENT_EGRESS), networkPolicy("agent-ingress", AGENT_INGRESS), networkPolicy("proxy-egress", PROXY_EGRESS)];
const NP = "NetworkPolicy tenant-acme/";

describe("network policies", () => {
  it("computes IPv4 ranges an ipBlock still reaches after its exceptions", () => {
    expect(parseCidr("10.1.2.3/8")).toEqual({ start: 10 * 2 ** 24, end: 11 * 2 ** 24 - 1, bits: 8 });
    expect([parseCidr("::/0"), parseCidr("300.0.0.0/8"), parseCidr("10.0.0.0/33")]).toEqual([undefined, undefined, undefined]);
    expect(reachableRanges({ cidr: "0.0.0.0/0", except: PUBLIC_EXCEPT }, ["169.254.0.0/16", "10.0.0.0/8"])).toEqual([]);
    expect(reachableRanges({ cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] }, ["169.254.0.0/16"])).toEqual(["169.254.0.0/16"]);
    expect(reachableRanges({ cidr: "8.8.8.8/32" }, ["10.0.0.0/8"])).toEqual([]);
  });

  it("ISO-03 admits tenant traffic only from the own namespace or named platform namespaces", () => {
    expect(messages(noCrossTenantTraffic, [...compliant(), networkPolicy("x", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }, "istio-ingress")])).toEqual([]);
    const open = networkPolicy("open", {
      podSelector: {},
      ingress: [{}, { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "tenant-globex" } } }, { ipBlock: { cidr: "10.0.0.0/8" } }] }],
      egress: [{ to: [{ namespaceSelector: {} }] }],
    });
    const fix = "select one of platform-api, istio-system, monitoring by kubernetes.io/metadata.name.";
    expect(messages(noCrossTenantTraffic, [open])).toEqual([
      `${NP}open ingress rule 1 admits every source: list the platform peers in from.`,
      `${NP}open ingress rule 2 admits an ipBlock: admit pods by namespace and pod selector only.`,
      `${NP}open ingress rule 2 selects namespaces {"matchLabels":{"kubernetes.io/metadata.name":"tenant-globex"}}: ${fix}`,
      `${NP}open egress rule 1 selects namespaces {}: ${fix}`,
    ]);
  });

  it("NET-03 keeps the metadata range 169.254.0.0/16 out of every tenant egress rule", () => {
    expect(messages(egressBlocksMetadata, compliant())).toEqual([]);
    const leaky = networkPolicy("leaky", {
      podSelector: {},
      egress: [{ ports: [{ port: 443 }] }, { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }] }, { to: [{ ipBlock: { cidr: "::/0" } }] }],
    });
    expect(messages(egressBlocksMetadata, [leaky])).toEqual([
      `${NP}leaky egress rule 1 allows every destination, 169.254.0.0/16 included: list ipBlock peers that except it.`,
      `${NP}leaky egress rule 2 allows 169.254.169.254/32 without excepting 169.254.0.0/16: add it to ipBlock.except.`,
      `${NP}leaky egress rule 3 allows ::/0, which this policy cannot check (IPv6 reaches metadata at fd00:ec2::254): use IPv4 ipBlocks.`,
    ]);
  });

  it("NET-04 lets traffic leave a tenant only on TCP 443, with DNS only to 1.1.1.1", () => {
    expect(messages(egressHttpsOnly, compliant())).toEqual([]);
    const wide = networkPolicy("wide", {
      podSelector: {},
      egress: [
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PUBLIC_EXCEPT } }] },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PUBLIC_EXCEPT } }], ports: [{ port: 443 }, { protocol: "TCP", port: 80 }, { protocol: "UDP", port: 443 }] },
        { to: [{ ipBlock: { cidr: "8.8.8.8/32" } }], ports: [{ protocol: "UDP", port: 53 }] },
      ],
    });
    const allowed = "allow only TCP 443 (DNS only to 1.1.1.1 on 53).";
    expect(messages(egressHttpsOnly, [wide])).toEqual([
      `${NP}wide egress rule 1 opens every port outside the cluster: restrict it to ports: [{ protocol: TCP, port: 443 }].`,
      `${NP}wide egress rule 2 opens TCP/80, UDP/443 outside the cluster: ${allowed}`,
      `${NP}wide egress rule 3 opens UDP/53 outside the cluster: ${allowed}`,
    ]);
  });

  it("NET-05 keeps every RFC 1918 range out of tenant egress", () => {
    expect(messages(egressBlocksPrivate, compliant())).toEqual([]);
    const lan = networkPolicy("lan", {
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16", "10.0.0.0/8"] } }], ports: [{ port: 443 }] }, {}],
    });
    expect(messages(egressBlocksPrivate, [lan])).toEqual([
      `${NP}lan egress rule 1 allows 0.0.0.0/0 without excepting 172.16.0.0/12, 192.168.0.0/16: add them to ipBlock.except.`,
      `${NP}lan egress rule 2 allows every destination, private ranges included: list ipBlock peers that except 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.`,
    ]);
  });

  it("NET-06 keeps the gateway port 18789 closed in containers, Services, NetworkPolicies and the mesh", () => {
    const sidecar = (endpoint: string) =>
      resource("kubernetes:networking.istio.io/v1:Sidecar", {
        kind: "Sidecar",
        metadata: { name: "agent", namespace: "tenant-acme" },
        spec: { ingress: [{ port: { number: 8443 }, defaultEndpoint: endpoint }] },
      });
    const service = (port: number) =>
      resource("kubernetes:core/v1:Service", { kind: "Service", metadata: { name: "agent", namespace: "tenant-acme" }, spec: { ports: [{ port: 8443, targetPort: port }] } });
    expect(messages(gatewayPortClosed, [agent(), ...compliant(), sidecar("127.0.0.1:4180"), service(4180)])).toEqual([]);
    const manifest = agentManifest();
    manifest.spec.template.spec.containers[0].ports = [{ containerPort: 18789 }];
    const open = networkPolicy("open", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }, { ports: [{ port: 18000, endPort: 19000 }] }] });
    expect(messages(gatewayPortClosed, [agent(manifest), service(18789), open, sidecar("127.0.0.1:18789")])).toEqual([
      'StatefulSet tenant-acme/agent container "gateway" declares port 18789: bind the gateway to loopback and expose only the auth-guard.',
      "Service tenant-acme/agent exposes port 18789: target the auth-guard port instead.",
      `${NP}open ingress rule 1 admits port 18789: list only the auth-guard port in ports.`,
      `${NP}open ingress rule 2 admits port 18789: list only the auth-guard port in ports.`,
      "Sidecar tenant-acme/agent routes mesh ingress to port 18789: send it to the auth-guard's loopback port.",
    ]);
  });

  it("NET-07 sends agent traffic out only through the egress proxy, never directly", () => {
    expect(messages(agentEgressViaProxy, compliant())).toEqual([]);
    const direct = networkPolicy("agent-direct", {
      podSelector: AGENT_SELECTOR,
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PUBLIC_EXCEPT } }], ports: [{ port: 443 }] }],
    });
    const everyone = networkPolicy("all-pods", { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] });
    // DNS to the resolver is no exception for agents: their proxy resolves names.
    const resolver = networkPolicy("agent-dns", { podSelector: AGENT_SELECTOR, egress: [{ to: [{ ipBlock: { cidr: "1.1.1.1/32" } }], ports: [{ protocol: "UDP", port: 53 }] }] });
    const leaves = "lets agent pods leave the cluster directly: send their traffic to the egress proxy's pods instead.";
    expect(messages(agentEgressViaProxy, [direct, everyone, resolver])).toEqual([
      `${NP}agent-direct egress rule 1 ${leaves}`,
      `${NP}all-pods egress rule 1 ${leaves}`,
      `${NP}agent-dns egress rule 1 ${leaves}`,
    ]);
    // The egress proxy's own DNS and HTTPS rules are its job, not a way out for agents.
    expect(messages(agentEgressViaProxy, [networkPolicy("proxy-egress", PROXY_EGRESS)])).toEqual([]);
  });

  it("NET-01 lets agent pods send no DNS, to cluster DNS or any resolver, while the egress proxy resolves", () => {
    expect(messages(agentSendsNoDns, compliant())).toEqual([]);
    const clusterDns = networkPolicy("cluster-dns", {
      podSelector: AGENT_SELECTOR,
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }],
        },
        { to: [{ podSelector: {} }] },
        { to: [{ ipBlock: { cidr: "9.9.9.9/32" } }], ports: [{ protocol: "TCP", port: 1, endPort: 1024 }] },
        { to: [{ ipBlock: { cidr: "9.9.9.9/32" } }], ports: [{ protocol: "UDP" }] },
        { to: [{ ipBlock: { cidr: "9.9.9.9/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ],
    });
    const dns = "lets agent pods send DNS (port 53): agents resolve nothing; open only the egress proxy's port to them.";
    expect(messages(agentSendsNoDns, [clusterDns])).toEqual([1, 2, 3, 4].map((n) => `${NP}cluster-dns egress rule ${n} ${dns}`));
  });
});
