/**
 * What the analyser does not model: the VPC CNI's eBPF program sees a Service's ClusterIP, not the
 * pod behind it, and its controller adds a ClusterIP to an egress rule only when the rule's pod
 * selector matches the Service's selector (amazon-network-policy-controller-k8s,
 * pkg/resolvers/endpoints.go, getMatchingServiceClusterIPs). A rule to pods its clients reach by
 * ClusterIP must therefore be written with (a subset of) that Service's selector labels.
 */
import type { LabelSelector } from "../../components/network/policy";

/** The Services pods dial by ClusterIP, as their charts or the plan declare them. */
export interface ServiceSelector {
  namespace: string;
  name: string;
  selector: Record<string, string>;
}

export const CHART_SERVICES: ServiceSelector[] = [
  { namespace: "kube-system", name: "kube-dns", selector: { "k8s-app": "kube-dns" } },
  // The agents' sidecars dial it through a host alias to its ClusterIP.
  { namespace: "istio-system", name: "istiod", selector: { app: "istiod", istio: "pilot" } },
  {
    namespace: "vault",
    name: "vault-active",
    selector: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server", "vault-active": "true" },
  },
  {
    namespace: "falco",
    name: "falco-falcosidekick",
    selector: { "app.kubernetes.io/name": "falcosidekick", "app.kubernetes.io/instance": "falco", "app.kubernetes.io/component": "core" },
  },
  {
    namespace: "gatekeeper-system",
    name: "gatekeeper-webhook-service",
    selector: { app: "gatekeeper", chart: "gatekeeper", "control-plane": "controller-manager" },
  },
];

/** Kubernetes label-selector semantics over a label set (the controller matches selector against set). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case "In":
        return has && (e.values ?? []).includes(labels[e.key]);
      case "NotIn":
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
    }
  });
  return byLabels && byExpressions;
}

export interface EgressPeerUse {
  /** `namespace/policy egress rule n` */
  where: string;
  /** The namespace the peer's pods live in. */
  namespace: string;
  podSelector: LabelSelector;
}

/**
 * Egress peers that reach a Service's pods (one of `pods` the Service selects is also selected by
 * the peer) without matching the Service's selector: their ClusterIP traffic would be dropped.
 */
export function clusterIpMismatches(
  peers: EgressPeerUse[],
  services: ServiceSelector[],
  pods: { namespace: string; labels: Record<string, string> }[],
): string[] {
  return peers.flatMap((peer) =>
    services
      .filter((svc) => svc.namespace === peer.namespace)
      .filter((svc) => pods.some((pod) => pod.namespace === svc.namespace && selects({ matchLabels: svc.selector }, pod.labels) && selects(peer.podSelector, pod.labels)))
      .filter((svc) => !selects(peer.podSelector, svc.selector))
      .map((svc) => `${peer.where} reaches ${svc.namespace}/${svc.name}'s pods but its selector does not match the Service's`),
  );
}
