/**
 * The mesh's NetworkPolicies: what istiod, the CNI agent, the ingress gateway, cert-manager and the
 * platform API send and accept, on top of each namespace's default deny and DNS. Pod labels are the
 * charts' as rendered at the pinned versions (test/network/chartWorkloads.ts proves the selectors
 * select them); every flow is named beside its rule.
 */
import { ISTIOD_MONITORING_PORT, ISTIO_MERGED_METRICS_PORT, MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS, VAULT_API_PORT } from "../monitoring/defaults";
import {
  ClusterNetwork,
  EgressRule,
  NetworkPolicyManifest,
  cidrs,
  fromApiServer,
  matching,
  podsIn,
  tcp,
  tenantPods,
  toApiServer,
  toPodIdentityAgent,
  toPublicHttps,
  workloadPolicy,
} from "../network/policy";
import { VAULT_NAMESPACE } from "../vault/defaults";
import { SERVER_POD_LABELS } from "../vault/server";
import { GATEWAY_SELECTOR } from "./defaults";
import { GATEWAY_LISTENER_PORTS } from "./edge";
import {
  AGENT_INBOUND_PORT,
  AGENT_WORKLOAD_LABELS,
  CERT_MANAGER_NAMESPACE,
  INGRESS_NAMESPACE,
  ISTIOD_SELECTOR,
  ISTIOD_XDS_PORT,
  ISTIO_NAMESPACE,
  PLATFORM_API_NAMESPACE,
} from "./identities";
import { PLATFORM_API_SELECTOR } from "./platformApi";

/** istiod's sidecar-injection and validation webhooks (its Service maps 443 to this port). */
export const ISTIOD_WEBHOOK_PORT = 15017;
/** cert-manager's webhook container (webhook.securePort); its Service maps 443 to it. */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;

/** The CNI node agent's pods (istio-cni chart: `k8s-app: istio-cni-node`); not host-network in sidecar mode. */
export const ISTIO_CNI_LABELS = { "k8s-app": "istio-cni-node" } as const;
/** cert-manager's parts, by the selector labels of chart v1.21 (`app.kubernetes.io/{name,instance,component}`). */
const certManagerPart = (name: string, component: string) => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/instance": "cert-manager",
  "app.kubernetes.io/component": component,
});
export const CERT_MANAGER_PODS = {
  controller: certManagerPart("cert-manager", "controller"),
  webhook: certManagerPart("webhook", "webhook"),
  cainjector: certManagerPart("cainjector", "cainjector"),
  // The post-install Job that waits until the webhook answers through the API server.
  startupapicheck: certManagerPart("startupapicheck", "startupapicheck"),
} as const;

/** Every injected sidecar's source: the platform API, the gateway and the tenants' agents. */
const SIDECARS = [
  podsIn(PLATFORM_API_NAMESPACE, PLATFORM_API_SELECTOR),
  podsIn(INGRESS_NAMESPACE, GATEWAY_SELECTOR),
  tenantPods(AGENT_WORKLOAD_LABELS),
];
const prometheus = podsIn(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS);
const istiod = podsIn(ISTIO_NAMESPACE, ISTIOD_SELECTOR);

export interface MeshNetworkArgs {
  network: ClusterNetwork;
  /** The platform API's container port, which the gateway routes to. */
  platformApiPort: number;
  /** DATA-04: the API's egress to its data tier (components/data/network.ts). @default [] */
  dataEgress?: EgressRule[];
}

export function buildIstioSystemPolicies({ network }: MeshNetworkArgs): NetworkPolicyManifest[] {
  const ns = ISTIO_NAMESPACE;
  return [
    workloadPolicy(ns, "istiod", matching(ISTIOD_SELECTOR), {
      ingress: [
        // Every sidecar and the gateway fetch configuration and certificates over mTLS; never 15010.
        { from: SIDECARS, ports: tcp(ISTIOD_XDS_PORT) },
        // The API server calls the injector and the config validation webhook.
        fromApiServer(network, ISTIOD_WEBHOOK_PORT),
        { from: [prometheus], ports: tcp(ISTIOD_MONITORING_PORT) },
      ],
      // istiod watches Services, pods and the mesh's custom resources.
      egress: [toApiServer(network)],
    }),
    // The CNI agent watches the pods on its node to repair their redirection; nothing calls it.
    workloadPolicy(ns, "istio-cni-node", matching(ISTIO_CNI_LABELS), { egress: [toApiServer(network)] }),
  ];
}

export function buildIngressPolicies({ platformApiPort }: MeshNetworkArgs): NetworkPolicyManifest[] {
  return [
    workloadPolicy(INGRESS_NAMESPACE, "ingress-gateway", matching(GATEWAY_SELECTOR), {
      ingress: [
        // The internet through the NLB (instance targets: the source is a node, or the client once
        // externalTrafficPolicy is Local); port 80 only redirects to HTTPS.
        { from: cidrs(["0.0.0.0/0"]), ports: tcp(GATEWAY_LISTENER_PORTS.http, GATEWAY_LISTENER_PORTS.https) },
        { from: [prometheus], ports: tcp(ISTIO_MERGED_METRICS_PORT) },
      ],
      egress: [
        { to: [istiod], ports: tcp(ISTIOD_XDS_PORT) },
        // The one route of the public gateway: api.<domain> to the platform API.
        { to: [podsIn(PLATFORM_API_NAMESPACE, PLATFORM_API_SELECTOR)], ports: tcp(platformApiPort) },
      ],
    }),
  ];
}

export function buildPlatformApiPolicies({ platformApiPort, dataEgress = [] }: MeshNetworkArgs): NetworkPolicyManifest[] {
  return [
    workloadPolicy(PLATFORM_API_NAMESPACE, "platform-api", matching(PLATFORM_API_SELECTOR), {
      ingress: [
        { from: [podsIn(INGRESS_NAMESPACE, GATEWAY_SELECTOR)], ports: tcp(platformApiPort) },
        { from: [prometheus], ports: tcp(ISTIO_MERGED_METRICS_PORT) },
      ],
      egress: [
        // Requests to the agents, through their sidecars' inbound port (mTLS, NET-09).
        { to: [tenantPods(AGENT_WORKLOAD_LABELS)], ports: tcp(AGENT_INBOUND_PORT) },
        // Transit and the API's own secrets; the selector is a subset of vault-active's.
        { to: [podsIn(VAULT_NAMESPACE, SERVER_POD_LABELS)], ports: tcp(VAULT_API_PORT) },
        { to: [istiod], ports: tcp(ISTIOD_XDS_PORT) },
        // DATA-04: the database and Redis; only this policy opens their ports, for these pods.
        ...dataEgress,
      ],
    }),
  ];
}

export function buildCertManagerPolicies({ network }: MeshNetworkArgs): NetworkPolicyManifest[] {
  const ns = CERT_MANAGER_NAMESPACE;
  return [
    workloadPolicy(ns, "cert-manager-controller", matching(CERT_MANAGER_PODS.controller), {
      // Let's Encrypt (ACME), Route 53 for DNS-01 and STS, with its Pod Identity credentials. The
      // DNS-01 self-check goes through CoreDNS (dns01RecursiveNameserversOnly), not to port 53 outside.
      egress: [toApiServer(network), toPublicHttps, toPodIdentityAgent],
    }),
    workloadPolicy(ns, "cert-manager-webhook", matching(CERT_MANAGER_PODS.webhook), {
      ingress: [fromApiServer(network, CERT_MANAGER_WEBHOOK_PORT)],
      // Its serving certificate lives in a Secret it manages.
      egress: [toApiServer(network)],
    }),
    workloadPolicy(ns, "cert-manager-cainjector", matching(CERT_MANAGER_PODS.cainjector), { egress: [toApiServer(network)] }),
    workloadPolicy(ns, "cert-manager-startupapicheck", matching(CERT_MANAGER_PODS.startupapicheck), { egress: [toApiServer(network)] }),
  ];
}
