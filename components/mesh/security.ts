import { GATEWAY_SELECTOR } from "./defaults";
import {
  AGENT_INBOUND_PORT,
  AGENT_INBOUND_PORT_NAME,
  AGENT_WORKLOAD_LABELS,
  INGRESS_GATEWAY_PRINCIPAL,
  INGRESS_NAMESPACE,
  ISTIO_NAMESPACE,
  PLATFORM_API_NAME,
  PLATFORM_API_NAMESPACE,
  PLATFORM_API_PRINCIPAL,
} from "./identities";
import { CustomResourceObject, customResource } from "./resources";

const SECURITY_API = "security.istio.io/v1";
const NETWORKING_API = "networking.istio.io/v1";

export interface PeerAuthenticationSpec {
  mtls: { mode: "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET" };
  selector?: { matchLabels: Record<string, string> };
  portLevelMtls?: Record<string, { mode: string }>;
}

export interface AuthorizationRule {
  from?: { source: { principals?: string[]; namespaces?: string[] } }[];
  to?: { operation: { ports?: string[]; hosts?: string[]; methods?: string[]; paths?: string[] } }[];
}

export interface AuthorizationPolicySpec {
  selector?: { matchLabels: Record<string, string> };
  action?: "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";
  rules?: AuthorizationRule[];
}

export interface SidecarSpec {
  workloadSelector: { labels: Record<string, string> };
  ingress: { port: { number: number; protocol: string; name: string }; defaultEndpoint: string; captureMode: "NONE" }[];
  egress: { hosts: string[] }[];
}

/**
 * NET-08: the mesh-wide PeerAuthentication. Named `default` in the root namespace, without a
 * selector or port-level exceptions, every sidecar and gateway refuses plaintext peers.
 */
export function buildPeerAuthentication(): CustomResourceObject<PeerAuthenticationSpec> {
  return customResource(SECURITY_API, "PeerAuthentication", "default", ISTIO_NAMESPACE, "mesh", { mtls: { mode: "STRICT" } });
}

/**
 * NET-09: an ALLOW policy with no rules matches nothing, so in the root namespace it turns every
 * workload's default from allow-all into deny-all. Only the explicit ALLOWs below open paths.
 */
export function buildDenyAllPolicy(): CustomResourceObject<AuthorizationPolicySpec> {
  return customResource(SECURITY_API, "AuthorizationPolicy", "deny-all", ISTIO_NAMESPACE, "mesh", {});
}

/**
 * The public edge: the mesh-wide deny-all applies to the ingress gateway as well, so it must be
 * told to accept the internet on its HTTP and HTTPS listeners (health on 15021 is not filtered).
 */
export function buildGatewayIngressPolicy(listenerPorts: number[]): CustomResourceObject<AuthorizationPolicySpec> {
  return customResource(SECURITY_API, "AuthorizationPolicy", "allow-public-listeners", INGRESS_NAMESPACE, "edge", {
    selector: { matchLabels: { ...GATEWAY_SELECTOR } },
    action: "ALLOW",
    rules: [{ to: [{ operation: { ports: listenerPorts.map(String) } }] }],
  });
}

/** NET-09: only the ingress gateway's identity reaches the platform API, and only on its port. */
export function buildPlatformApiPolicy(port: number): CustomResourceObject<AuthorizationPolicySpec> {
  return customResource(SECURITY_API, "AuthorizationPolicy", "allow-ingress-gateway", PLATFORM_API_NAMESPACE, "platform-api", {
    selector: { matchLabels: { app: PLATFORM_API_NAME } },
    action: "ALLOW",
    rules: [
      {
        from: [{ source: { principals: [INGRESS_GATEWAY_PRINCIPAL] } }],
        to: [{ operation: { ports: [String(port)] } }],
      },
    ],
  });
}

/**
 * NET-09, for the tenant component: in a tenant namespace, only the platform API's identity
 * reaches agent pods, and only on the inbound port their sidecar listens on. Nothing else, not
 * another tenant and not the ingress gateway, gets through the mesh-wide deny-all.
 */
export function buildAgentIngressPolicy(tenantNamespace: string): CustomResourceObject<AuthorizationPolicySpec> {
  return customResource(SECURITY_API, "AuthorizationPolicy", "allow-platform-api", tenantNamespace, "agent", {
    selector: { matchLabels: { ...AGENT_WORKLOAD_LABELS } },
    action: "ALLOW",
    rules: [
      {
        from: [{ source: { principals: [PLATFORM_API_PRINCIPAL] } }],
        to: [{ operation: { ports: [String(AGENT_INBOUND_PORT)] } }],
      },
    ],
  });
}

export interface AgentSidecarOptions {
  /** The port the auth-guard listens on, bound to 127.0.0.1 inside the pod. */
  authGuardPort: number;
}

/**
 * The tenant's Sidecar for agent pods, which run without traffic capture (interceptionMode NONE,
 * because iptables does not reach gVisor's netstack). Envoy binds the inbound port on the pod IP,
 * terminates mesh mTLS, applies AuthorizationPolicy and forwards to the auth-guard on loopback.
 * Egress imports only the tenant's own namespace: agent traffic to the internet leaves directly,
 * and the sidecar offers no path to other namespaces' services.
 */
export function buildAgentSidecar(tenantNamespace: string, options: AgentSidecarOptions): CustomResourceObject<SidecarSpec> {
  if (!Number.isInteger(options.authGuardPort) || options.authGuardPort < 1024 || options.authGuardPort > 65535) {
    throw new Error(`authGuardPort must be an unprivileged port (1024-65535), got ${options.authGuardPort}`);
  }
  if (options.authGuardPort === AGENT_INBOUND_PORT) {
    throw new Error(`authGuardPort must differ from the agent inbound port ${AGENT_INBOUND_PORT}`);
  }
  return customResource(NETWORKING_API, "Sidecar", "agent", tenantNamespace, "agent", {
    workloadSelector: { labels: { ...AGENT_WORKLOAD_LABELS } },
    ingress: [
      {
        port: { number: AGENT_INBOUND_PORT, protocol: "HTTP", name: AGENT_INBOUND_PORT_NAME },
        defaultEndpoint: `127.0.0.1:${options.authGuardPort}`,
        captureMode: "NONE",
      },
    ],
    egress: [{ hosts: ["./*"] }],
  });
}
