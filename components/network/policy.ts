/**
 * The vocabulary every NetworkPolicy of the platform is written in (docs/decisions/network-policies.md).
 * The VPC CNI runs in strict mode: a pod that no policy selects is denied everything, so each
 * component declares exactly the flows its pods use, with these helpers, beside the pods.
 *
 * Two facts of the VPC CNI shape them:
 * - its eBPF program sits on the pod's veth, before kube-proxy's DNAT, so it sees a Service's
 *   ClusterIP, not the pod behind it. Its controller adds a ClusterIP to an egress rule only when
 *   the rule's podSelector matches the Service's selector; peers reached through a Service are
 *   therefore written with (a subset of) that Service's selector labels;
 * - an ipBlock matches any address in it, pods' included (Kubernetes leaves this open; the analyser
 *   in test/network.test.ts assumes pods are never in an ipBlock). Rules with an ipBlock over the
 *   VPC are kept to the ports the API server and the kubelets use.
 */
import { TENANT_LABEL } from "../mesh/identities";
import { standardLabels } from "../shared/labels";

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

export interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface Port {
  protocol: "TCP" | "UDP";
  port: number;
}

/** Peers and ports are required: no rule of the platform admits every source, destination or port. */
export interface IngressRule {
  from: Peer[];
  ports: Port[];
}
export interface EgressRule {
  to: Peer[];
  ports: Port[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes: ("Ingress" | "Egress")[];
  ingress?: IngressRule[];
  egress?: EgressRule[];
}

export interface NetworkPolicyManifest {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: NetworkPolicySpec;
}

/**
 * What the cluster's network looks like from a pod, for the rules that cannot name pods.
 * `Address` is a string in the pure builders and a Pulumi input where the address is read back.
 */
export interface ClusterNetwork<Address = string> {
  /** The `kubernetes` Service's ClusterIP: where pods send API calls, as the VPC CNI sees them. */
  apiServerAddress: Address;
  /**
   * The subnets of the nodes, which hold the API server's ENIs too: webhook calls come from these
   * addresses, and the kubelets listen there.
   */
  nodeCidrs: string[];
  /** The VPC's resolver (AmazonProvidedDNS), CoreDNS's upstream. */
  vpcResolver: string;
}

/**
 * Every range that is not the public internet: RFC 1918 (NET-05), link-local with the cloud metadata
 * service (NET-03), loopback, carrier-grade NAT, and the reserved blocks.
 */
export const NON_PUBLIC_RANGES = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/** The EKS Pod Identity agent: a host-network DaemonSet answering on this link-local address. */
export const POD_IDENTITY_AGENT = "169.254.170.23";

/** CoreDNS as the EKS add-on labels it; the `kube-dns` Service selects exactly this label. */
export const KUBE_DNS_LABELS = { "k8s-app": "kube-dns" } as const;
export const KUBE_SYSTEM = "kube-system";

export const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ protocol: "TCP", port }));
export const udp = (...ports: number[]): Port[] => ports.map((port) => ({ protocol: "UDP", port }));
export const DNS_PORTS: Port[] = [...udp(53), ...tcp(53)];

export const matching = (labels: Readonly<Record<string, string>>): LabelSelector => ({ matchLabels: { ...labels } });
const named = (namespace: string): LabelSelector => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });

/** Pods of this policy's own namespace with these labels. */
export const podsHere = (labels: Readonly<Record<string, string>>): Peer => ({ podSelector: matching(labels) });
/** Pods with these labels in one named namespace. */
export const podsIn = (namespace: string, labels: Readonly<Record<string, string>>): Peer => ({
  namespaceSelector: named(namespace),
  podSelector: matching(labels),
});
/** Pods with these labels in any tenant namespace (every tenant namespace carries TENANT_LABEL). */
export const tenantPods = (labels: Readonly<Record<string, string>>): Peer => ({
  namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: "Exists" }] },
  podSelector: matching(labels),
});
/** Pods of Jobs, by the label the Job controller adds: charts' hook Jobs whose templates set none. */
export const jobPods = (...jobNames: string[]): LabelSelector => ({
  matchExpressions: [{ key: "batch.kubernetes.io/job-name", operator: "In", values: [...jobNames].sort() }],
});
export const cidrs = (blocks: string[]): Peer[] => blocks.map((cidr) => ({ ipBlock: { cidr } }));

/** Every name a pod resolves goes to CoreDNS; its selector is the kube-dns Service's. */
export const toDns: EgressRule = { to: [podsIn(KUBE_SYSTEM, KUBE_DNS_LABELS)], ports: DNS_PORTS };

/** The API server through the `kubernetes` Service: the VPC CNI matches the ClusterIP itself. */
export const toApiServer = (network: ClusterNetwork): EgressRule => ({ to: cidrs([`${network.apiServerAddress}/32`]), ports: tcp(443) });

/** The API server calling a webhook: it connects from its ENIs, in the nodes' subnets. */
export const fromApiServer = (network: ClusterNetwork, port: number): IngressRule => ({ from: cidrs(network.nodeCidrs), ports: tcp(port) });

/** HTTPS to public addresses only (AWS APIs, ACME, registries, webhooks): nothing private or link-local. */
export const toPublicHttps: EgressRule = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_RANGES } }], ports: tcp(443) };

/** Credentials for an EKS Pod Identity association (AWS_CONTAINER_CREDENTIALS_FULL_URI). */
export const toPodIdentityAgent: EgressRule = { to: cidrs([`${POD_IDENTITY_AGENT}/32`]), ports: tcp(80) };

export function networkPolicy(namespace: string, name: string, spec: NetworkPolicySpec): NetworkPolicyManifest {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: standardLabels(name, "network-policy") },
    spec,
  };
}

/** Selects every pod and allows nothing: what is not written down is denied, whatever the CNI's mode. */
export function defaultDeny(namespace: string): NetworkPolicyManifest {
  return networkPolicy(namespace, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
}

/** Every pod of a platform namespace may resolve names through CoreDNS; tenants never get this. */
export function allowDns(namespace: string): NetworkPolicyManifest {
  return networkPolicy(namespace, "allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [toDns] });
}

/** A policy for one workload, in both directions unless it has rules for only one. */
export function workloadPolicy(
  namespace: string,
  name: string,
  selector: LabelSelector,
  rules: { ingress?: IngressRule[]; egress?: EgressRule[] },
): NetworkPolicyManifest {
  const policyTypes: NetworkPolicySpec["policyTypes"] = [];
  if (rules.ingress) policyTypes.push("Ingress");
  if (rules.egress) policyTypes.push("Egress");
  return networkPolicy(namespace, name, { podSelector: selector, policyTypes, ...rules });
}
