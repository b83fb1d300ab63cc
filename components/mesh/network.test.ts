import { dataTierEgress } from "../data/network";
import { EXAMPLE_NETWORK } from "../network/testing";
import { buildCertManagerPolicies, buildIngressPolicies, buildIstioSystemPolicies, buildPlatformApiPolicies } from "./network";

const args = { network: EXAMPLE_NETWORK, platformApiPort: 8080 };
const specOf = (policies: { metadata: { name: string }; spec: any }[], name: string) => policies.find((p) => p.metadata.name === name)!.spec;
const ports = (rules: { ports: { port: number }[] }[]) => rules.flatMap((r) => r.ports.map((p) => p.port));
const tenants = { matchExpressions: [{ key: "agent-platform.io/tenant", operator: "Exists" }] };

describe("the mesh's NetworkPolicies", () => {
  it("lets every sidecar reach istiod on 15012 only, never the plaintext 15010", () => {
    const istiod = specOf(buildIstioSystemPolicies(args), "istiod");
    expect(istiod.podSelector).toEqual({ matchLabels: { app: "istiod", istio: "pilot" } });
    expect(istiod.ingress[0]).toEqual({
      from: [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform-api" } }, podSelector: { matchLabels: { app: "platform-api" } } },
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } }, podSelector: { matchLabels: { istio: "ingressgateway" } } },
        { namespaceSelector: tenants, podSelector: { matchLabels: { "agent-platform.io/workload": "agent" } } },
      ],
      ports: [{ protocol: "TCP", port: 15012 }],
    });
    expect(ports(istiod.ingress)).toEqual([15012, 15017, 15014]);
    expect(istiod.ingress[1].from).toEqual(EXAMPLE_NETWORK.nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })));
  });

  it("routes the gateway only to istiod and the platform API, and the API only to agents, Vault and istiod", () => {
    expect(ports(specOf(buildIngressPolicies(args), "ingress-gateway").egress)).toEqual([15012, 8080]);
    const api = specOf(buildPlatformApiPolicies(args), "platform-api");
    expect(api.egress.map((r: any) => [r.to[0].podSelector.matchLabels, r.ports[0].port])).toEqual([
      [{ "agent-platform.io/workload": "agent" }, 8443],
      [{ "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" }, 8200],
      [{ app: "istiod", istio: "pilot" }, 15012],
    ]);
    expect(api.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } }, podSelector: { matchLabels: { istio: "ingressgateway" } } },
    ]);
  });

  it("adds the data tier's egress to the platform API's policy alone, after its mesh flows", () => {
    const withData = buildIstioSystemPolicies(args).concat(buildIngressPolicies(args), buildCertManagerPolicies(args));
    const data = { ...args, dataEgress: dataTierEgress("10.40.0.0/16") };
    // Only the API's policy changes; every other policy of the mesh is the same with or without it.
    expect(buildIstioSystemPolicies(data).concat(buildIngressPolicies(data), buildCertManagerPolicies(data))).toEqual(withData);
    const api = specOf(buildPlatformApiPolicies(data), "platform-api");
    expect(api.egress.slice(3)).toEqual([
      { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
      { to: [{ ipBlock: { cidr: "10.40.0.0/16", except: ["10.40.224.0/19"] } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 6379 }] },
    ]);
    expect(specOf(buildPlatformApiPolicies(args), "platform-api").egress).toHaveLength(3);
  });

  it("opens the internet to cert-manager's controller on 443 only, and its webhook to the API server only", () => {
    const policies = buildCertManagerPolicies(args);
    expect(policies.map((p) => p.metadata.name)).toEqual([
      "cert-manager-controller",
      "cert-manager-webhook",
      "cert-manager-cainjector",
      "cert-manager-startupapicheck",
    ]);
    expect(ports(specOf(policies, "cert-manager-controller").egress)).toEqual([443, 443, 80]);
    expect(specOf(policies, "cert-manager-webhook").ingress).toEqual([
      { from: EXAMPLE_NETWORK.nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 10250 }] },
    ]);
  });
});
