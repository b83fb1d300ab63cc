import type * as k8s from "@pulumi/kubernetes";
import { PLATFORM_API_NAMESPACE, AGENT_INBOUND_PORT, AGENT_WORKLOAD_LABELS, ISTIO_NAMESPACE } from "../mesh/identities";
import { MONITORING_NAMESPACE } from "../monitoring/defaults";
import { standardLabels } from "../shared/labels";
import { EGRESS_PROXY_PORT, NAMES, NON_PUBLIC_RANGES, PUBLIC_DNS_SERVER } from "./defaults";

type NetworkPolicy = k8s.types.input.networking.v1.NetworkPolicy & { metadata: { name: string; namespace: string } };

const EGRESS_PROXY_LABELS = { "agent-platform.io/workload": NAMES.egressProxy } as const;
/** pilot-agent's merged Prometheus endpoint in the sidecar. */
const SIDECAR_METRICS_PORT = 15020;

function policy(namespace: string, name: string, spec: NetworkPolicy["spec"]): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: standardLabels(name, "network-policy") },
    spec,
  };
}

const namespaceNamed = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
const dnsTo1111 = {
  to: [{ ipBlock: { cidr: `${PUBLIC_DNS_SERVER}/32` } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/**
 * The tenant namespace's NetworkPolicies. Policies only add allowances, so the default deny plus
 * these rules is the whole of what an agent can reach:
 * - in: the auth-guard path (the sidecar's inbound port) from the platform API namespace only, and
 *   Prometheus to the sidecar's metrics port (CLU-06), which serves counters, not the agent;
 * - out (agent): DNS to 1.1.1.1 and the tenant's egress proxy; istiod for the sidecar's certificates;
 * - out (egress proxy): DNS to 1.1.1.1 and TCP 443 to public addresses only.
 * Every selector is confined to this namespace, so no rule of one tenant selects another's pods.
 * Kubelet probes need no rule: the VPC CNI's policy agent always admits the pod's own node IP.
 */
export function buildNetworkPolicies(namespace: string): NetworkPolicy[] {
  return [
    policy(namespace, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy(namespace, "agent-ingress", {
      podSelector: { matchLabels: { ...AGENT_WORKLOAD_LABELS } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ ...namespaceNamed(PLATFORM_API_NAMESPACE), podSelector: { matchLabels: { "app.kubernetes.io/name": "platform-api" } } }],
          ports: [{ protocol: "TCP", port: AGENT_INBOUND_PORT }],
        },
        {
          from: [{ ...namespaceNamed(MONITORING_NAMESPACE), podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
          ports: [{ protocol: "TCP", port: SIDECAR_METRICS_PORT }],
        },
      ],
    }),
    policy(namespace, "agent-egress", {
      podSelector: { matchLabels: { ...AGENT_WORKLOAD_LABELS } },
      policyTypes: ["Egress"],
      egress: [
        dnsTo1111,
        { to: [{ podSelector: { matchLabels: { ...EGRESS_PROXY_LABELS } } }], ports: [{ protocol: "TCP", port: EGRESS_PROXY_PORT }] },
        // The sidecar fetches its mesh certificate and configuration from istiod (xDS, mTLS).
        // The selector equals istiod's Service selector: the VPC CNI admits a ClusterIP only then.
        {
          to: [{ ...namespaceNamed(ISTIO_NAMESPACE), podSelector: { matchLabels: { app: "istiod", istio: "pilot" } } }],
          ports: [{ protocol: "TCP", port: 15012 }],
        },
      ],
    }),
    policy(namespace, "egress-proxy-ingress", {
      podSelector: { matchLabels: { ...EGRESS_PROXY_LABELS } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { ...AGENT_WORKLOAD_LABELS } } }], ports: [{ protocol: "TCP", port: EGRESS_PROXY_PORT }] }],
    }),
    policy(namespace, "egress-proxy-egress", {
      podSelector: { matchLabels: { ...EGRESS_PROXY_LABELS } },
      policyTypes: ["Egress"],
      egress: [dnsTo1111, { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_RANGES } }], ports: [{ protocol: "TCP", port: 443 }] }],
    }),
  ];
}

export { EGRESS_PROXY_LABELS };
