import { helmRelease, messages, resource } from "../fixtures";
import { authzCallers, defaultDenyAuthz, edgeCertificates, edgeTls13, sidecarCapabilities, strictMtls } from "./mesh";

const istiod = () => helmRelease("istiod", {});

function istio(kind: string, namespace: string, name: string, spec: any) {
  return resource(`kubernetes:security.istio.io/v1:${kind}`, { apiVersion: "security.istio.io/v1", kind, metadata: { name, namespace }, spec });
}

function gateway(servers: any[]) {
  return resource("kubernetes:networking.istio.io/v1:Gateway", {
    kind: "Gateway",
    metadata: { name: "public", namespace: "istio-ingress" },
    spec: { selector: { istio: "ingressgateway" }, servers },
  });
}

const HTTPS = { port: { name: "https", number: 443, protocol: "HTTPS" }, tls: { mode: "SIMPLE", credentialName: "edge-tls", minProtocolVersion: "TLSV1_3" } };
const HTTP = { port: { name: "http", number: 80, protocol: "HTTP" }, tls: { httpsRedirect: true } };

function certificate(privateKey: any, issuerRef: any = { kind: "ClusterIssuer", name: "letsencrypt-production" }) {
  return resource("kubernetes:cert-manager.io/v1:Certificate", {
    kind: "Certificate",
    metadata: { name: "edge", namespace: "istio-ingress" },
    spec: { secretName: "edge-tls", privateKey, issuerRef },
  });
}

function issuer(server: string) {
  return resource("kubernetes:cert-manager.io/v1:ClusterIssuer", {
    kind: "ClusterIssuer",
    metadata: { name: "letsencrypt-production" },
    spec: { acme: { server } },
  });
}

const LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";

describe("mesh and edge policies", () => {
  it("NET-08 requires mesh-wide STRICT mTLS in istio-system and refuses any PeerAuthentication that relaxes it", () => {
    const meshWide = istio("PeerAuthentication", "istio-system", "default", { mtls: { mode: "STRICT" } });
    expect(messages(strictMtls, [istiod(), meshWide])).toEqual([]);
    // A tenant shard installs no istiod; the platform stack holds the mesh-wide policy.
    expect(messages(strictMtls, [])).toEqual([]);
    const permissive = istio("PeerAuthentication", "tenant-acme", "legacy", { mtls: { mode: "PERMISSIVE" }, portLevelMtls: { 8080: { mode: "DISABLE" } } });
    const scoped = istio("PeerAuthentication", "istio-system", "default", { selector: { matchLabels: { app: "x" } }, mtls: { mode: "STRICT" } });
    expect(messages(strictMtls, [istiod(), permissive, scoped])).toEqual([
      "PeerAuthentication tenant-acme/legacy sets mTLS mode PERMISSIVE, DISABLE: use STRICT or leave the mode unset.",
      "No mesh-wide PeerAuthentication in istio-system: declare one without a selector and spec.mtls.mode STRICT.",
    ]);
  });

  it("NET-09 requires an allow-nothing AuthorizationPolicy in istio-system when the stack installs the mesh", () => {
    expect(messages(defaultDenyAuthz, [istiod(), istio("AuthorizationPolicy", "istio-system", "deny-all", {})])).toEqual([]);
    expect(messages(defaultDenyAuthz, [])).toEqual([]);
    const allowAll = istio("AuthorizationPolicy", "istio-system", "allow-all", { rules: [{}] });
    const elsewhere = istio("AuthorizationPolicy", "platform-api", "deny-all", {});
    expect(messages(defaultDenyAuthz, [istiod(), allowAll, elsewhere])).toEqual([
      "No allow-nothing AuthorizationPolicy in istio-system: declare one with spec: {} to deny by default.",
    ]);
  });

  it("NET-09 lets only the platform API call agent pods and only the ingress gateway call the platform API", () => {
    const allow = (namespace: string, principals: string[] | undefined) =>
      istio("AuthorizationPolicy", namespace, "allow", {
        action: "ALLOW",
        rules: [{ from: [{ source: principals ? { principals } : { namespaces: ["tenant-globex"] } }], to: [{ operation: { ports: ["8443"] } }] }],
      });
    const gatewayOpen = istio("AuthorizationPolicy", "istio-ingress", "public", { rules: [{ to: [{ operation: { ports: ["443"] } }] }] });
    const compliant = [
      allow("tenant-acme", ["cluster.local/ns/platform-api/sa/platform-api"]),
      allow("platform-api", ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"]),
      istio("AuthorizationPolicy", "tenant-acme", "deny", { action: "DENY", rules: [{}] }),
      gatewayOpen,
    ];
    expect(messages(authzCallers, compliant)).toEqual([]);
    const sideways = allow("tenant-acme", ["cluster.local/ns/tenant-globex/sa/agent"]);
    const byNamespace = allow("platform-api", undefined);
    const anyone = istio("AuthorizationPolicy", "tenant-acme", "anyone", { rules: [{ to: [{ operation: { ports: ["8443"] } }] }] });
    expect(messages(authzCallers, [sideways, byNamespace, anyone])).toEqual([
      "AuthorizationPolicy tenant-acme/allow rule 1 admits cluster.local/ns/tenant-globex/sa/agent: allow only principals cluster.local/ns/platform-api/sa/platform-api.",
      "AuthorizationPolicy platform-api/allow rule 1 admits callers not named by principal: allow only principals cluster.local/ns/istio-ingress/sa/istio-ingressgateway.",
      "AuthorizationPolicy tenant-acme/anyone rule 1 admits callers not named by principal: allow only principals cluster.local/ns/platform-api/sa/platform-api.",
    ]);
  });

  it("ISO-07 requires injected sidecars without istio-init capabilities and without privilege", () => {
    expect(messages(sidecarCapabilities, [helmRelease("istiod", { pilot: { cni: { enabled: true } } }), helmRelease("gateway", {})])).toEqual([]);
    expect(messages(sidecarCapabilities, [helmRelease("istiod", { global: { proxy: { privileged: true } } })])).toEqual([
      "Helm release istiod (istiod) injects istio-init with NET_ADMIN and NET_RAW: set pilot.cni.enabled: true and install the istio-cni chart.",
      "Helm release istiod (istiod) runs privileged sidecars: remove global.proxy.privileged.",
    ]);
  });

  it("EDGE-01 requires TLS 1.3 at the ingress gateway and only a redirect on plain HTTP", () => {
    expect(messages(edgeTls13, [gateway([HTTPS, HTTP])])).toEqual([]);
    const weak = gateway([
      { ...HTTPS, tls: { ...HTTPS.tls, minProtocolVersion: "TLSV1_2" } },
      { port: { name: "passthrough", protocol: "TLS" }, tls: { mode: "PASSTHROUGH" } },
      { port: { name: "http", protocol: "HTTP" } },
      { port: { name: "raw", protocol: "TCP" } },
    ]);
    expect(messages(edgeTls13, [weak])).toEqual([
      "Gateway istio-ingress/public server https accepts TLS below 1.3: set tls.minProtocolVersion: TLSV1_3.",
      "Gateway istio-ingress/public server passthrough passes TLS through: terminate it at the gateway with tls.mode SIMPLE and minProtocolVersion TLSV1_3.",
      "Gateway istio-ingress/public server http serves plain HTTP: set tls.httpsRedirect: true.",
      "Gateway istio-ingress/public server raw serves TCP without TLS: use HTTPS with minProtocolVersion TLSV1_3.",
    ]);
  });

  it("EDGE-02 requires gateway certificates with ECDSA P-256 keys from Let's Encrypt through cert-manager", () => {
    const ecdsa = { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" };
    expect(messages(edgeCertificates, [gateway([HTTPS, HTTP]), certificate(ecdsa), issuer(LETS_ENCRYPT)])).toEqual([]);
    expect(messages(edgeCertificates, [gateway([HTTPS])])).toEqual([
      "Gateway istio-ingress/public serves edge-tls, which no cert-manager Certificate in istio-ingress issues: declare one.",
    ]);
    expect(messages(edgeCertificates, [gateway([HTTPS]), certificate({ algorithm: "RSA", size: 2048 }), issuer("https://acme-staging-v02.api.letsencrypt.org/directory")])).toEqual([
      "Certificate istio-ingress/edge uses a RSA 2048 key: set privateKey algorithm ECDSA, size 256.",
      `Certificate istio-ingress/edge is issued by ClusterIssuer letsencrypt-production, not a Let's Encrypt ACME issuer in this stack: use one with acme.server ${LETS_ENCRYPT}.`,
    ]);
  });
});
