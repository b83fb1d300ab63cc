/**
 * The names other components need from the mesh: namespaces, service accounts, SPIFFE principals
 * and the contract an agent pod must follow to join the mesh inside a gVisor sandbox (see
 * docs/decisions/istio-and-gvisor.md).
 */

import { AGENT_PROXY_RESOURCES } from "./defaults";

/** Istio's root namespace (meshConfig.rootNamespace): policies here apply mesh-wide. */
export const ISTIO_NAMESPACE = "istio-system";
export const INGRESS_NAMESPACE = "istio-ingress";
export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const PLATFORM_API_NAMESPACE = "platform-api";

/**
 * istiod's pods and the selector of its Service for the default revision (istio-discovery chart,
 * service.yaml). A revision would change the Service's selector to `istio.io/rev`, and every rule
 * written with these labels would lose the VPC CNI's ClusterIP match (docs/decisions/network-policies.md).
 */
export const ISTIOD_SELECTOR = { app: "istiod", istio: "pilot" } as const;
/** istiod's xDS and CA port (mTLS): the one istiod port a sidecar needs. Plaintext 15010 is never opened. */
export const ISTIOD_XDS_PORT = 15012;

/** The trust domain of every workload certificate istiod signs (the chart default). */
export const TRUST_DOMAIN = "cluster.local";

export const INGRESS_GATEWAY_SERVICE_ACCOUNT = "istio-ingressgateway";
export const PLATFORM_API_SERVICE_ACCOUNT = "platform-api";
export const CERT_MANAGER_SERVICE_ACCOUNT = "cert-manager";
export const PLATFORM_API_NAME = "platform-api";

/** The SPIFFE identity (without `spiffe://`) AuthorizationPolicy matches for a service account. */
export function spiffePrincipal(namespace: string, serviceAccount: string): string {
  return `${TRUST_DOMAIN}/ns/${namespace}/sa/${serviceAccount}`;
}

export const INGRESS_GATEWAY_PRINCIPAL = spiffePrincipal(INGRESS_NAMESPACE, INGRESS_GATEWAY_SERVICE_ACCOUNT);
export const PLATFORM_API_PRINCIPAL = spiffePrincipal(PLATFORM_API_NAMESPACE, PLATFORM_API_SERVICE_ACCOUNT);

/** The container Istio's injector adds to every injected pod. */
export const SIDECAR_CONTAINER = "istio-proxy";
/**
 * The audience of the service-account token Istio's injector projects into every injected pod
 * (`global.sds.token.aud`, the chart default): only istiod accepts it; the API server refuses it.
 */
export const MESH_TOKEN_AUDIENCE = "istio-ca";

/** Every tenant namespace carries this label, with the tenant id as value. */
export const TENANT_LABEL = "agent-platform.io/tenant";

/** Tenant namespaces opt into sidecar injection; the agent pod's annotations decide how. */
export const MESH_INJECTION_LABELS = { "istio-injection": "enabled" } as const;

/**
 * The one port an agent pod accepts traffic on: the sidecar's Envoy binds it on the pod IP,
 * terminates STRICT mTLS, enforces AuthorizationPolicy and forwards to the auth-guard on
 * 127.0.0.1. The tenant's Service must target this port.
 */
export const AGENT_INBOUND_PORT = 8443;
/** Istio picks the protocol from the port name prefix; `http-` gives L7 authorization. */
export const AGENT_INBOUND_PORT_NAME = "http-agent";

/** Agent pods carry this label; the mesh's Sidecar and AuthorizationPolicy select them by it. */
export const AGENT_WORKLOAD_LABELS = { "agent-platform.io/workload": "agent" } as const;

export const INTERCEPTION_MODE_ANNOTATION = "sidecar.istio.io/interceptionMode";
export const PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";

/**
 * Annotations every agent pod must carry. NONE: no iptables, so the injector adds neither
 * istio-init nor istio-validation and the pod needs no NET_ADMIN (PSA restricted, gVisor-safe).
 * Probes rewritten by the injector are forwarded by pilot-agent to localhost, where the
 * auth-guard listens, instead of the pod IP where nothing but Envoy listens.
 */
export const AGENT_POD_ANNOTATIONS: Readonly<Record<string, string>> = {
  [INTERCEPTION_MODE_ANNOTATION]: "NONE",
  // The injector sizes the agent's sidecar from these (Istio's sidecar.istio.io/proxy* annotations).
  "sidecar.istio.io/proxyCPU": AGENT_PROXY_RESOURCES.requests.cpu,
  "sidecar.istio.io/proxyMemory": AGENT_PROXY_RESOURCES.requests.memory,
  "sidecar.istio.io/proxyCPULimit": AGENT_PROXY_RESOURCES.limits.cpu,
  "sidecar.istio.io/proxyMemoryLimit": AGENT_PROXY_RESOURCES.limits.memory,
  [PROXY_CONFIG_ANNOTATION]: JSON.stringify({ proxyMetadata: { REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION: "true" } }),
};
