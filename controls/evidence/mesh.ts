import { Evidence } from "../types";

const security = "components/mesh/security.ts";
const edge = "components/mesh/edge.ts";
const securityTest = "components/mesh/security.test.ts";
const edgeTest = "components/mesh/edge.test.ts";
const meshTest = "components/mesh/mesh.test.ts";

/**
 * What the mesh component enforces. The agent half of NET-09 (the per-tenant ALLOW and Sidecar)
 * is built here but declared by the tenant component, which adds its own evidence for that.
 */
export const meshEvidence: Evidence[] = [
  {
    control: "NET-08",
    enforcedBy: [{ kind: "component", file: security, symbol: "buildPeerAuthentication" }],
    provenBy: [
      { file: securityTest, test: "NET-08 enforces STRICT mutual TLS mesh-wide" },
      { file: securityTest, test: "NET-08 holds for agent pods without traffic capture: their inbound listener has no mTLS exception" },
      { file: meshTest, test: "NET-08 declares the mesh-wide STRICT PeerAuthentication" },
    ],
  },
  {
    control: "NET-09",
    enforcedBy: [
      { kind: "component", file: security, symbol: "buildDenyAllPolicy" },
      { kind: "component", file: security, symbol: "buildPlatformApiPolicy" },
      { kind: "component", file: security, symbol: "buildAgentIngressPolicy" },
      { kind: "component", file: security, symbol: "buildAgentSidecar" },
    ],
    provenBy: [
      { file: securityTest, test: "NET-09 denies every request mesh-wide unless a policy allows it" },
      { file: securityTest, test: "NET-09 lets only the ingress gateway reach the platform API, on its port" },
      { file: securityTest, test: "NET-09 lets only the platform API reach agent pods, on their inbound port" },
      { file: securityTest, test: "NET-09 holds for agent pods without traffic capture: the sidecar listens only where the policy allows" },
      { file: meshTest, test: "NET-09 declares the deny-all baseline and no allowance beyond the edge and the API" },
    ],
  },
  {
    control: "EDGE-01",
    enforcedBy: [{ kind: "component", file: edge, symbol: 'minProtocolVersion: "TLSV1_3"' }],
    provenBy: [{ file: edgeTest, test: "EDGE-01 terminates TLS 1.3 at the ingress gateway and only redirects plain HTTP" }],
  },
  {
    control: "EDGE-02",
    enforcedBy: [
      { kind: "component", file: edge, symbol: "buildClusterIssuer" },
      { kind: "component", file: edge, symbol: 'privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" }' },
    ],
    provenBy: [
      { file: edgeTest, test: "EDGE-02 issues ECDSA P-256 certificates from Let's Encrypt production and renews them with a new key" },
    ],
  },
  {
    control: "EDGE-03",
    enforcedBy: [{ kind: "component", file: edge, symbol: "buildRateLimitFilter" }],
    provenBy: [{ file: edgeTest, test: "EDGE-03 rate-limits requests at the ingress gateway before routing" }],
  },
  {
    control: "EDGE-04",
    enforcedBy: [
      { kind: "component", file: edge, symbol: "buildPlatformApiVirtualService" },
      { kind: "component", file: "components/mesh/defaults.ts", symbol: "SECURITY_HEADERS" },
    ],
    provenBy: [{ file: edgeTest, test: "EDGE-04 sets the security headers on every platform API response" }],
  },
  {
    control: "CLU-03",
    enforcedBy: [{ kind: "component", file: "components/mesh/mesh.ts", symbol: "platformNamespace(" }],
    provenBy: [{ file: meshTest, test: "CLU-03 labels every platform namespace with Pod Security Admission levels" }],
  },
  {
    control: "CLU-04",
    enforcedBy: [
      { kind: "component", file: "components/mesh/platformApi.ts", symbol: "buildPlatformApiDeployment" },
      { kind: "component", file: "components/mesh/platformApi.ts", symbol: "buildPlatformApiDisruptionBudget" },
    ],
    provenBy: [
      {
        file: "components/mesh/platformApi.test.ts",
        test: "CLU-04 runs the platform API with three or more replicas across zones and a disruption budget",
      },
      { file: meshTest, test: "CLU-04 declares the platform API with three replicas, its budget and its route through the gateway" },
    ],
  },
  {
    control: "CLU-05",
    enforcedBy: [{ kind: "component", file: "components/mesh/values.ts", symbol: "buildGatewayValues" }],
    provenBy: [
      {
        file: "components/mesh/values.test.ts",
        test: "CLU-05 runs at least three ingress gateway pods spread across zones behind an NLB, with a disruption budget",
      },
      { file: meshTest, test: "CLU-05 declares the ingress gateway release with three zone-spread replicas, a budget and value overrides" },
    ],
  },
];
