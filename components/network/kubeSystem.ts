/**
 * kube-system, which EKS creates and the cluster's add-ons fill. In strict mode the VPC CNI denies
 * every pod no policy selects, CoreDNS included, so the platform declares the add-ons' flows here.
 * aws-node, kube-proxy and the Pod Identity agent use the host network, which no policy governs.
 */
import * as pulumi from "@pulumi/pulumi";
import { GATEKEEPER_NAMESPACE } from "../admission/defaults";
import { CERT_MANAGER_NAMESPACE, INGRESS_NAMESPACE, ISTIO_NAMESPACE, PLATFORM_API_NAMESPACE } from "../mesh/identities";
import { MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from "../monitoring/defaults";
import { FALCO_NAMESPACE } from "../runtime/defaults";
import { VAULT_NAMESPACE, VSO_NAMESPACE } from "../vault/defaults";
import { ClusterNetworkInput, declareNetworkPolicies } from "./declare";
import {
  ClusterNetwork,
  DNS_PORTS,
  KUBE_DNS_LABELS,
  KUBE_SYSTEM,
  NetworkPolicyManifest,
  allowDns,
  cidrs,
  defaultDeny,
  matching,
  podsIn,
  tcp,
  toApiServer,
  toPodIdentityAgent,
  toPublicHttps,
  workloadPolicy,
} from "./policy";

/** Every namespace whose pods may resolve names: kube-system and the platform's, never a tenant's. */
export const PLATFORM_NAMESPACES = [
  KUBE_SYSTEM,
  ISTIO_NAMESPACE,
  INGRESS_NAMESPACE,
  CERT_MANAGER_NAMESPACE,
  PLATFORM_API_NAMESPACE,
  VAULT_NAMESPACE,
  VSO_NAMESPACE,
  MONITORING_NAMESPACE,
  FALCO_NAMESPACE,
  GATEKEEPER_NAMESPACE,
].sort();

/** CoreDNS's Prometheus endpoint, which kube-prometheus-stack scrapes (coreDns.serviceMonitor). */
export const COREDNS_METRICS_PORT = 9153;

/** The aws-ebs-csi-driver add-on's pods (its chart's `app` labels). */
export const EBS_CSI_CONTROLLER_LABELS = { app: "ebs-csi-controller" } as const;
export const EBS_CSI_NODE_LABELS = { app: "ebs-csi-node" } as const;

export function buildKubeSystemPolicies(network: ClusterNetwork): NetworkPolicyManifest[] {
  const ns = KUBE_SYSTEM;
  return [
    defaultDeny(ns),
    // The EBS driver's pods resolve the AWS endpoints they call.
    allowDns(ns),
    workloadPolicy(ns, "coredns", matching(KUBE_DNS_LABELS), {
      ingress: [
        // Every platform namespace resolves names here; tenants' pods have no DNS egress at all.
        {
          from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: PLATFORM_NAMESPACES }] } }],
          ports: DNS_PORTS,
        },
        { from: [podsIn(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS)], ports: tcp(COREDNS_METRICS_PORT) },
      ],
      egress: [
        // Names outside the cluster are forwarded to the VPC's resolver (Corefile: forward . /etc/resolv.conf).
        { to: cidrs([`${network.vpcResolver}/32`]), ports: DNS_PORTS },
        // The kubernetes plugin watches Services and EndpointSlices.
        toApiServer(network),
      ],
    }),
    // Creates, attaches and resizes the tenants' EBS volumes: EC2 and STS with its Pod Identity credentials.
    workloadPolicy(ns, "ebs-csi-controller", matching(EBS_CSI_CONTROLLER_LABELS), {
      egress: [toApiServer(network), toPublicHttps, toPodIdentityAgent],
    }),
    // Mounts volumes on each node; it reads its node's zone and instance from the API (IMDS is out of reach).
    workloadPolicy(ns, "ebs-csi-node", matching(EBS_CSI_NODE_LABELS), { egress: [toApiServer(network)] }),
  ];
}

/** The add-ons' policies, declared before any platform chart so that name resolution works from the first pod. */
export class KubeSystemNetwork extends pulumi.ComponentResource {
  constructor(name: string, args: { network: ClusterNetworkInput }, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:network:KubeSystemNetwork", name, {}, opts);
    declareNetworkPolicies(name, buildKubeSystemPolicies, args.network, { parent: this });
    this.registerOutputs({});
  }
}
