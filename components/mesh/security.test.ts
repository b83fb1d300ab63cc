import { AGENT_INBOUND_PORT, AGENT_POD_ANNOTATIONS, AGENT_WORKLOAD_LABELS, PLATFORM_API_PRINCIPAL } from "./identities";
import {
  buildAgentIngressPolicy,
  buildAgentSidecar,
  buildDenyAllPolicy,
  buildGatewayIngressPolicy,
  buildPeerAuthentication,
  buildPlatformApiPolicy,
} from "./security";

const labels = (name: string, component: string) => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/part-of": "agent-platform",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/component": component,
});

describe("mesh security baseline", () => {
  it("NET-08 enforces STRICT mutual TLS mesh-wide", () => {
    expect(buildPeerAuthentication()).toEqual({
      apiVersion: "security.istio.io/v1",
      kind: "PeerAuthentication",
      metadata: { name: "default", namespace: "istio-system", labels: labels("default", "mesh") },
      spec: { mtls: { mode: "STRICT" } },
    });
  });

  it("NET-09 denies every request mesh-wide unless a policy allows it", () => {
    expect(buildDenyAllPolicy()).toEqual({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "deny-all", namespace: "istio-system", labels: labels("deny-all", "mesh") },
      spec: {},
    });
  });

  it("NET-09 lets only the ingress gateway reach the platform API, on its port", () => {
    expect(buildPlatformApiPolicy(8080)).toEqual({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "allow-ingress-gateway", namespace: "platform-api", labels: labels("allow-ingress-gateway", "platform-api") },
      spec: {
        selector: { matchLabels: { app: "platform-api" } },
        action: "ALLOW",
        rules: [
          {
            from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"] } }],
            to: [{ operation: { ports: ["8080"] } }],
          },
        ],
      },
    });
  });

  it("opens the gateway's own HTTP and HTTPS listeners to the internet", () => {
    expect(buildGatewayIngressPolicy([80, 443]).spec).toEqual({
      selector: { matchLabels: { istio: "ingressgateway" } },
      action: "ALLOW",
      rules: [{ to: [{ operation: { ports: ["80", "443"] } }] }],
    });
  });

  it("NET-09 lets only the platform API reach agent pods, on their inbound port", () => {
    expect(buildAgentIngressPolicy("tenant-acme")).toEqual({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "allow-platform-api", namespace: "tenant-acme", labels: labels("allow-platform-api", "agent") },
      spec: {
        selector: { matchLabels: { "agent-platform.io/workload": "agent" } },
        action: "ALLOW",
        rules: [
          {
            from: [{ source: { principals: ["cluster.local/ns/platform-api/sa/platform-api"] } }],
            to: [{ operation: { ports: ["8443"] } }],
          },
        ],
      },
    });
  });

  it("builds the agent Sidecar: Envoy on the inbound port, forwarding to the auth-guard on loopback", () => {
    expect(buildAgentSidecar("tenant-acme", { authGuardPort: 4180 })).toEqual({
      apiVersion: "networking.istio.io/v1",
      kind: "Sidecar",
      metadata: { name: "agent", namespace: "tenant-acme", labels: labels("agent", "agent") },
      spec: {
        workloadSelector: { labels: { "agent-platform.io/workload": "agent" } },
        ingress: [
          {
            port: { number: 8443, protocol: "HTTP", name: "http-agent" },
            defaultEndpoint: "127.0.0.1:4180",
            captureMode: "NONE",
          },
        ],
        egress: [{ hosts: ["./*"] }],
      },
    });
    expect(AGENT_POD_ANNOTATIONS).toEqual({
      "sidecar.istio.io/interceptionMode": "NONE",
      "proxy.istio.io/config": '{"proxyMetadata":{"REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION":"true"}}',
      "sidecar.istio.io/proxyCPU": "20m",
      "sidecar.istio.io/proxyMemory": "64Mi",
      "sidecar.istio.io/proxyCPULimit": "1",
      "sidecar.istio.io/proxyMemoryLimit": "512Mi",
    });
  });

  it("NET-09 holds for agent pods without traffic capture: the sidecar listens only where the policy allows", () => {
    const sidecar = buildAgentSidecar("tenant-acme", { authGuardPort: 4180 });
    const policy = buildAgentIngressPolicy("tenant-acme");
    // Both select the same pods, so no agent pod has a listener the policy does not cover.
    expect(sidecar.spec.workloadSelector.labels).toEqual(policy.spec.selector!.matchLabels);
    expect(sidecar.spec.workloadSelector.labels).toEqual(AGENT_WORKLOAD_LABELS);
    // The only network listener is the inbound port, and it is the only port the policy opens.
    const listenerPorts = sidecar.spec.ingress.map((listener) => String(listener.port.number));
    const allowedPorts = policy.spec.rules!.flatMap((rule) => rule.to!.flatMap((to) => to.operation.ports!));
    expect(listenerPorts).toEqual([String(AGENT_INBOUND_PORT)]);
    expect(allowedPorts).toEqual(listenerPorts);
    // The only caller is the platform API; the application itself is reachable only on loopback.
    const principals = policy.spec.rules!.flatMap((rule) => rule.from!.flatMap((from) => from.source.principals!));
    expect(principals).toEqual([PLATFORM_API_PRINCIPAL]);
    expect(sidecar.spec.ingress.every((listener) => listener.defaultEndpoint.startsWith("127.0.0.1:"))).toBe(true);
    // Without capture, istio-init is never injected, so the pod needs no NET_ADMIN.
    expect(AGENT_POD_ANNOTATIONS["sidecar.istio.io/interceptionMode"]).toBe("NONE");
  });

  it("NET-08 holds for agent pods without traffic capture: their inbound listener has no mTLS exception", () => {
    const peer = buildPeerAuthentication();
    const sidecar = buildAgentSidecar("tenant-acme", { authGuardPort: 4180 });
    // Mesh-wide (root namespace, no selector) and no port-level exception for any port.
    expect(peer.metadata.namespace).toBe("istio-system");
    expect(peer.spec).toEqual({ mtls: { mode: "STRICT" } });
    expect(peer.spec.portLevelMtls).toBeUndefined();
    expect(peer.spec.selector).toBeUndefined();
    // The inbound listener is terminated by Envoy (HTTP), not passed through as opaque TCP/TLS.
    expect(sidecar.spec.ingress.map((listener) => listener.port.protocol)).toEqual(["HTTP"]);
  });

  it("refuses an auth-guard port that would collide with the inbound port or need privileges", () => {
    expect(() => buildAgentSidecar("tenant-acme", { authGuardPort: 8443 })).toThrow("must differ from the agent inbound port 8443");
    expect(() => buildAgentSidecar("tenant-acme", { authGuardPort: 80 })).toThrow("unprivileged port");
    expect(() => buildAgentSidecar("tenant-acme", { authGuardPort: 4180.5 })).toThrow("unprivileged port");
  });
});
