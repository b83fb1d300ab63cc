import { PLATFORM_API_NAMESPACE, AGENT_INBOUND_PORT, AGENT_WORKLOAD_LABELS, ISTIOD_SELECTOR, ISTIOD_XDS_PORT, ISTIO_NAMESPACE } from "../mesh/identities";
import { ISTIO_MERGED_METRICS_PORT, MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from "../monitoring/defaults";
import {
  DNS_PORTS,
  NetworkPolicyManifest,
  cidrs,
  defaultDeny,
  matching,
  podsHere,
  podsIn,
  tcp,
  toPublicHttps,
  workloadPolicy,
} from "../network/policy";
import { EGRESS_PROXY_METRICS_PORT, EGRESS_PROXY_PORT, NAMES, PROVIDER_PROXY_PORT, PUBLIC_DNS_SERVER } from "./defaults";

const EGRESS_PROXY_LABELS = { "agent-platform.io/workload": NAMES.egressProxy } as const;

/**
 * The tenant namespace's NetworkPolicies. Policies only add allowances, so the default deny plus
 * these rules is the whole of what an agent can reach:
 * - in: the auth-guard path (the sidecar's inbound port) from the platform API namespace only, and
 *   Prometheus to the sidecar's metrics port (CLU-06), which serves counters, not the agent;
 * - out (agent): its egress proxy only (the CONNECT port, and the provider endpoint where the proxy
 *   adds the key, SEC-09), and istiod's 15012 for the sidecar. No DNS at all: the agent
 *   addresses its proxy by IP and the proxy resolves the names it forwards to (NET-01), so DNS is no
 *   channel out of the sandbox;
 * - out (egress proxy): DNS to 1.1.1.1, for the allowed hosts only, and TCP 443 to public addresses.
 * Every selector is confined to this namespace, so no rule of one tenant selects another's pods.
 * Kubelet probes need no rule: the VPC CNI's policy agent always admits the pod's own node IP (and,
 * NetworkPolicy cannot say otherwise, lets the pod reach its node: the host firewall closes that).
 */
export function buildNetworkPolicies(namespace: string): NetworkPolicyManifest[] {
  return [
    defaultDeny(namespace),
    // One policy per workload, both directions: every resource counts in a one-tenant stack.
    workloadPolicy(namespace, "agent-network", matching(AGENT_WORKLOAD_LABELS), {
      ingress: [
        {
          from: [podsIn(PLATFORM_API_NAMESPACE, { "app.kubernetes.io/name": "platform-api" })],
          ports: tcp(AGENT_INBOUND_PORT),
        },
        { from: [podsIn(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS)], ports: tcp(ISTIO_MERGED_METRICS_PORT) },
      ],
      egress: [
        { to: [podsHere(EGRESS_PROXY_LABELS)], ports: tcp(EGRESS_PROXY_PORT, PROVIDER_PROXY_PORT) },
        // A documented exception: the sidecar fetches its mesh certificate and configuration from
        // istiod (xDS over mTLS), and NetworkPolicy cannot tell the sidecar from the agent beside it.
        // 15012 only; the selector equals istiod's Service selector, or the VPC CNI drops the ClusterIP.
        { to: [podsIn(ISTIO_NAMESPACE, ISTIOD_SELECTOR)], ports: tcp(ISTIOD_XDS_PORT) },
      ],
    }),
    workloadPolicy(namespace, "egress-proxy-network", matching(EGRESS_PROXY_LABELS), {
      ingress: [
        { from: [podsHere(AGENT_WORKLOAD_LABELS)], ports: tcp(EGRESS_PROXY_PORT, PROVIDER_PROXY_PORT) },
        // Its counters only (the provider budget among them); the admin interface stays on loopback.
        { from: [podsIn(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS)], ports: tcp(EGRESS_PROXY_METRICS_PORT) },
      ],
      // Envoy resolves only the names of its allowed virtual hosts: a denied CONNECT gets its 403
      // from a direct response, before the dynamic forward proxy would look the name up.
      egress: [{ to: cidrs([`${PUBLIC_DNS_SERVER}/32`]), ports: DNS_PORTS }, toPublicHttps],
    }),
  ];
}

export { EGRESS_PROXY_LABELS };
