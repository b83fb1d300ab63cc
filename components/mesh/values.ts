import { SANDBOX_NODE_LABEL, SANDBOX_NODE_VALUE } from "../cluster/defaults";
import { PROJECT } from "../../config/defaults";
import {
  CERT_MANAGER_RESOURCES,
  CNI_RESOURCES,
  GATEWAY_REPLICAS,
  GATEWAY_RESOURCES,
  GATEWAY_SELECTOR,
  ISTIOD_RESOURCES,
  ISTIO_HUB,
  PROXY_RESOURCES,
} from "./defaults";
import { GATEWAY_LISTENER_PORTS } from "./edge";
import { INGRESS_GATEWAY_SERVICE_ACCOUNT } from "./identities";
import { mergeValues } from "../shared/values";

/** Helm values as a plain tree; overrides are merged into it last. */
export type HelmValues = Record<string, unknown>;

type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  labelSelector: { matchLabels: Record<string, string> };
}

/**
 * CLU-05: at most one replica more in any zone than in another, so losing a zone loses a third;
 * spreading over nodes is best effort so a small cluster can still schedule.
 */
export function zoneAndNodeSpread(matchLabels: Record<string, string>): TopologySpreadConstraint[] {
  return [
    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } },
    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels } },
  ];
}

/** Values of the istio/istiod chart that this component sets. */
export interface IstiodValues {
  pilot: {
    autoscaleMin: number;
    autoscaleMax: number;
    resources: Resources;
    topologySpreadConstraints: TopologySpreadConstraint[];
    /** Sidecars of runc pods get their redirection from istio-cni, not a NET_ADMIN init container. */
    cni: { enabled: boolean };
    /** The chart copies `pilot.*` to the top level (templates/zzy_descope_legacy.yaml). */
    seccompProfile: { type: "RuntimeDefault" };
  };
  global: { hub: string; proxy: { resources: Resources; seccompProfile: { type: "RuntimeDefault" } }; logAsJson: boolean };
  meshConfig: { accessLogFile: string; accessLogEncoding: "JSON" | "TEXT" };
}

export function buildIstiodValues(overrides?: HelmValues): IstiodValues {
  const values: IstiodValues = {
    pilot: {
      // Two replicas keep the chart's PodDisruptionBudget from blocking node drains.
      autoscaleMin: 2,
      autoscaleMax: 5,
      resources: ISTIOD_RESOURCES,
      topologySpreadConstraints: zoneAndNodeSpread({ app: "istiod" }),
      cni: { enabled: true },
      // ISO-06: the discovery container has no profile otherwise.
      seccompProfile: { type: "RuntimeDefault" },
    },
    // ISO-06 on the injected containers themselves (the injection template's
    // global.proxy.seccompProfile), not only through a pod-level profile a chart may not set.
    global: { hub: ISTIO_HUB, proxy: { resources: PROXY_RESOURCES, seccompProfile: { type: "RuntimeDefault" } }, logAsJson: true },
    meshConfig: { accessLogFile: "/dev/stdout", accessLogEncoding: "JSON" },
  };
  return mergeValues(values as unknown as HelmValues, overrides) as unknown as IstiodValues;
}

/** Values of the istio/cni chart that this component sets. */
export interface CniValues {
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: { matchExpressions: { key: string; operator: "NotIn"; values: string[] }[] }[];
      };
    };
  };
  seccompProfile: { type: "RuntimeDefault" };
  global: { hub: string };
  resources: Resources;
}

/**
 * The CNI agent is a privileged DaemonSet. Sandbox nodes do not need it (agent pods run without
 * traffic capture), so it stays off the nodes that run untrusted code; an agent pod that asked
 * for capture there would fail its validation instead of running outside the mesh.
 */
export function buildCniValues(overrides?: HelmValues): CniValues {
  const values: CniValues = {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: SANDBOX_NODE_LABEL, operator: "NotIn", values: [SANDBOX_NODE_VALUE] }] }],
        },
      },
    },
    seccompProfile: { type: "RuntimeDefault" },
    global: { hub: ISTIO_HUB },
    resources: CNI_RESOURCES,
  };
  return mergeValues(values as unknown as HelmValues, overrides) as unknown as CniValues;
}

/** Values of the istio/gateway chart that this component sets. */
export interface GatewayValues {
  autoscaling: { enabled: true; minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
  podDisruptionBudget: { maxUnavailable: number };
  resources: Resources;
  serviceAccount: { create: true; name: string };
  service: {
    type: "LoadBalancer";
    annotations: Record<string, string>;
    ports: { name: string; port: number; targetPort: number; protocol: "TCP" }[];
  };
  securityContext: { seccompProfile: { type: "RuntimeDefault" }; sysctls: { name: string; value: string }[] };
  topologySpreadConstraints: TopologySpreadConstraint[];
}

/**
 * An internet-facing NLB from EKS's own cloud controller (see docs/decisions/ingress-load-balancer.md):
 * no extra controller with broad EC2 and ELB rights runs in the cluster.
 */
export const NLB_ANNOTATIONS: Record<string, string> = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
  // A zone that loses its gateway pods still receives traffic for its NLB address (CLU-05).
  "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
};

/** CLU-05: three gateway pods spread over zones behind an NLB, one allowed down at a time. */
export function buildGatewayValues(overrides?: HelmValues): GatewayValues {
  const values: GatewayValues = {
    autoscaling: {
      enabled: true,
      minReplicas: GATEWAY_REPLICAS.min,
      maxReplicas: GATEWAY_REPLICAS.max,
      targetCPUUtilizationPercentage: 70,
    },
    podDisruptionBudget: { maxUnavailable: 1 },
    resources: GATEWAY_RESOURCES,
    serviceAccount: { create: true, name: INGRESS_GATEWAY_SERVICE_ACCOUNT },
    service: {
      type: "LoadBalancer",
      annotations: NLB_ANNOTATIONS,
      ports: [
        { name: "http2", port: 80, targetPort: GATEWAY_LISTENER_PORTS.http, protocol: "TCP" },
        { name: "https", port: 443, targetPort: GATEWAY_LISTENER_PORTS.https, protocol: "TCP" },
      ],
    },
    // Replacing the chart's pod securityContext drops its sysctl, so it is restated here, with the
    // seccomp profile PSA restricted requires. The sysctl is in the safe set since Kubernetes 1.22.
    securityContext: {
      seccompProfile: { type: "RuntimeDefault" },
      sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
    },
    topologySpreadConstraints: zoneAndNodeSpread({ ...GATEWAY_SELECTOR }),
  };
  return mergeValues(values as unknown as HelmValues, overrides) as unknown as GatewayValues;
}

/** Values of the jetstack/cert-manager chart that this component sets. */
export interface CertManagerValues {
  crds: { enabled: true; keep: true };
  global: { commonLabels: Record<string, string> };
  dns01RecursiveNameserversOnly: true;
  replicaCount: number;
  podDisruptionBudget: { enabled: true; minAvailable: number };
  resources: Resources;
  webhook: { replicaCount: number; podDisruptionBudget: { enabled: true; minAvailable: number }; resources: Resources };
  cainjector: { replicaCount: number; podDisruptionBudget: { enabled: true; minAvailable: number }; resources: Resources };
  startupapicheck: { resources: Resources };
  serviceAccount: { create: true; annotations: Record<string, string> };
}

/**
 * Two replicas of each cert-manager part with a budget, so a node drain never leaves the webhook
 * (which every Certificate write goes through) without a pod. CRDs are kept on uninstall so a
 * mistaken destroy does not delete every Certificate.
 */
export function buildCertManagerValues(
  serviceAccountAnnotations: Record<string, string> = {},
  overrides?: HelmValues,
): CertManagerValues {
  const pair = { replicaCount: 2, podDisruptionBudget: { enabled: true as const, minAvailable: 1 } };
  const values: CertManagerValues = {
    crds: { enabled: true, keep: true },
    // ADM-01: the chart's workloads carry name but not part-of; commonLabels reach every object.
    global: { commonLabels: { "app.kubernetes.io/part-of": PROJECT } },
    // The DNS-01 self-check asks CoreDNS (the pod's resolv.conf), never the zone's authoritative
    // servers on port 53 outside: the controller's NetworkPolicy opens only 443 to the internet.
    // Cached answers can delay a first issuance by the zone's negative TTL; renewals are 30 days early.
    dns01RecursiveNameserversOnly: true,
    ...pair,
    resources: CERT_MANAGER_RESOURCES.controller,
    webhook: { ...pair, resources: CERT_MANAGER_RESOURCES.webhook },
    cainjector: { ...pair, resources: CERT_MANAGER_RESOURCES.cainjector },
    startupapicheck: { resources: CERT_MANAGER_RESOURCES.startupapicheck },
    serviceAccount: { create: true, annotations: serviceAccountAnnotations },
  };
  return mergeValues(values as unknown as HelmValues, overrides) as unknown as CertManagerValues;
}
