import * as k8s from "@pulumi/kubernetes";
import { ProgramRun, runProgram } from "../../scripts/engine/run";
import { EXAMPLE_NETWORK } from "../network/testing";
import { MeshArgs } from "./args";
import { Mesh } from "./mesh";

const args: MeshArgs = {
  domain: "agents.example.com",
  acmeEmail: "ops@example.com",
  platformApi: { image: "ghcr.io/example/platform-api:1.4.2", replicas: 3, port: 8080 },
  dns01: { region: "eu-west-1", hostedZoneId: "Z0123456789" },
  values: { gateway: { autoscaling: { maxReplicas: 12 } } },
  network: EXAMPLE_NETWORK,
};

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram({
    configOnly: true,
    program: async () => {
      const provider = new k8s.Provider("k8s", { context: "test" });
      new Mesh("mesh", args, { providers: [provider] });
    },
  });
});

const crLabels = (name: string, component: string) => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/part-of": "agent-platform",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/component": component,
});

describe("Mesh component", () => {
  it("declares every child under the component, named after it", () => {
    const mesh = run.findResource("agent-platform:mesh:Mesh", "mesh");
    const children = run.childrenOf(mesh.urn);
    expect(children.length).toBe(run.resources.length - 3);
    const provider = run.findResource("pulumi:providers:kubernetes", "k8s");
    expect(children.filter((c) => !c.options.provider?.startsWith(provider.urn)).map((c) => c.name)).toEqual([]);
    // A namespace and its baseline policies are named after the namespace, the rest after the component.
    const baseline = (c: { type: string; name: string }) =>
      c.type === "kubernetes:core/v1:Namespace" || (c.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && /-(default-deny|allow-dns)$/.test(c.name));
    expect(children.filter((c) => !baseline(c)).filter((c) => !c.name.startsWith("mesh-")).map((c) => c.name)).toEqual([]);
  });

  it("NET-08 declares the mesh-wide STRICT PeerAuthentication", () => {
    expect(run.findResources("kubernetes:security.istio.io/v1:PeerAuthentication").map((r) => r.inputs)).toEqual([
      {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: "default", namespace: "istio-system", labels: crLabels("default", "mesh") },
        spec: { mtls: { mode: "STRICT" } },
      },
    ]);
  });

  it("NET-09 declares the deny-all baseline and no allowance beyond the edge and the API", () => {
    const policies = run.findResources("kubernetes:security.istio.io/v1:AuthorizationPolicy");
    expect(policies.map((p) => [p.name, p.inputs.metadata.namespace, p.inputs.metadata.name])).toEqual([
      ["mesh-deny-all", "istio-system", "deny-all"],
      ["mesh-gateway-policy", "istio-ingress", "allow-public-listeners"],
      ["mesh-platform-api-policy", "platform-api", "allow-ingress-gateway"],
    ]);
    expect(run.findResource("kubernetes:security.istio.io/v1:AuthorizationPolicy", "mesh-deny-all").inputs.spec).toEqual({});
    expect(run.findResource("kubernetes:security.istio.io/v1:AuthorizationPolicy", "mesh-platform-api-policy").inputs.spec).toEqual({
      selector: { matchLabels: { app: "platform-api" } },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"] } }],
          to: [{ operation: { ports: ["8080"] } }],
        },
      ],
    });
  });

  it("CLU-03 labels every platform namespace with Pod Security Admission levels", () => {
    const levels = Object.fromEntries(
      run.findResources("kubernetes:core/v1:Namespace").map((ns) => {
        const labels = ns.inputs.metadata.labels as Record<string, string>;
        return [
          ns.inputs.metadata.name,
          [labels["pod-security.kubernetes.io/enforce"], labels["pod-security.kubernetes.io/audit"], labels["pod-security.kubernetes.io/warn"]],
        ];
      }),
    );
    expect(levels).toEqual({
      // istio-cni's node agent needs host paths and NET_ADMIN; nothing else runs there untrusted.
      "istio-system": ["privileged", "privileged", "privileged"],
      "istio-ingress": ["restricted", "restricted", "restricted"],
      "cert-manager": ["restricted", "restricted", "restricted"],
      "platform-api": ["restricted", "restricted", "restricted"],
    });
    const apiNs = run.findResource("kubernetes:core/v1:Namespace", "platform-api-namespace");
    expect(apiNs.inputs.metadata.labels["istio-injection"]).toBe("enabled");
  });

  it("installs every chart pinned, from its official repository, in dependency order", () => {
    const releases = run.findResources("kubernetes:helm.sh/v3:Release");
    const pins = Object.fromEntries(
      releases.map((r) => [r.name, [r.inputs.name, r.inputs.chart, r.inputs.version, r.inputs.repositoryOpts.repo, r.inputs.namespace]]),
    );
    const istio = "https://istio-release.storage.googleapis.com/charts";
    expect(pins).toEqual({
      "mesh-istio-base": ["istio-base", "base", "1.31.1", istio, "istio-system"],
      "mesh-istio-cni": ["istio-cni", "cni", "1.31.1", istio, "istio-system"],
      "mesh-istiod": ["istiod", "istiod", "1.31.1", istio, "istio-system"],
      "mesh-gateway": ["istio-ingressgateway", "gateway", "1.31.1", istio, "istio-ingress"],
      "mesh-cert-manager": ["cert-manager", "cert-manager", "v1.21.2", "https://charts.jetstack.io", "cert-manager"],
    });
    const urn = (name: string) => run.findResource("kubernetes:helm.sh/v3:Release", name).urn;
    const deps = (name: string) => run.findResource("kubernetes:helm.sh/v3:Release", name).options.dependsOn;
    expect(deps("mesh-istiod")).toEqual(expect.arrayContaining([urn("mesh-istio-base"), urn("mesh-istio-cni")]));
    expect(deps("mesh-gateway")).toEqual(expect.arrayContaining([urn("mesh-istiod")]));
    const deployment = run.findResource("kubernetes:apps/v1:Deployment", "mesh-platform-api");
    expect(deployment.options.dependsOn).toEqual(expect.arrayContaining([urn("mesh-istiod"), urn("mesh-istio-cni")]));
  });

  it("CLU-05 declares the ingress gateway release with three zone-spread replicas, a budget and value overrides", () => {
    const values = run.findResource("kubernetes:helm.sh/v3:Release", "mesh-gateway").inputs.values;
    expect(values.autoscaling).toEqual({ enabled: true, minReplicas: 3, maxReplicas: 12, targetCPUUtilizationPercentage: 70 });
    expect(values.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(values.topologySpreadConstraints[0]).toEqual({
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: { matchLabels: { istio: "ingressgateway" } },
    });
    expect(values.service.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]).toBe("nlb");
  });

  it("CLU-04 declares the platform API with three replicas, its budget and its route through the gateway", () => {
    expect(run.findResource("kubernetes:apps/v1:Deployment", "mesh-platform-api").inputs.spec.replicas).toBe(3);
    expect(run.findResource("kubernetes:policy/v1:PodDisruptionBudget", "mesh-platform-api-pdb").inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { app: "platform-api" } },
    });
    const route = run.findResource("kubernetes:networking.istio.io/v1:VirtualService", "mesh-platform-api-route").inputs.spec;
    expect([route.hosts, route.gateways]).toEqual([["api.agents.example.com"], ["istio-ingress/public"]]);
  });

  it("declares the edge: gateway, certificate, issuer and rate limit", () => {
    const gateway = run.findResource("kubernetes:networking.istio.io/v1:Gateway", "mesh-public-gateway").inputs;
    expect(gateway.spec.servers[0].tls).toEqual({ mode: "SIMPLE", credentialName: "platform-edge-tls", minProtocolVersion: "TLSV1_3" });
    const certificate = run.findResource("kubernetes:cert-manager.io/v1:Certificate", "mesh-edge-certificate").inputs;
    expect(certificate.spec.dnsNames).toEqual(["api.agents.example.com", "*.agents.example.com"]);
    const issuer = run.findResource("kubernetes:cert-manager.io/v1:ClusterIssuer", "mesh-cluster-issuer").inputs;
    expect(issuer.spec.acme.solvers[0].dns01).toEqual({ route53: { region: "eu-west-1", hostedZoneID: "Z0123456789" } });
    const filter = run.findResource("kubernetes:networking.istio.io/v1alpha3:EnvoyFilter", "mesh-rate-limit").inputs;
    expect(filter.metadata.namespace).toBe("istio-ingress");
  });
});
