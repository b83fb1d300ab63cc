/**
 * The pods that Helm charts and EKS add-ons run, which the plan's manifests do not contain, as the
 * charts render them at the pinned versions: namespace, workload, the pod template's labels and
 * container ports. The network proof adds a probe workload for each row to the plan's manifests,
 * so that np-guard's analyser decides whether the platform's selectors really select these pods.
 *
 * Written from the charts' templates, never from the policies' selector constants: a selector that
 * drifts from its chart fails the proof instead of agreeing with itself.
 */
import { stringify } from "yaml";
import { YAML_OPTIONS } from "./analyzer";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Job";

export interface ChartWorkload {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  /** Where the labels come from (chart and version, or the controller that adds them). */
  source: string;
  labels: Record<string, string>;
  ports: { port: number; protocol?: "TCP" | "UDP" }[];
}

const w = (namespace: string, kind: WorkloadKind, name: string, source: string, labels: Record<string, string>, ports: number[] = []): ChartWorkload => ({
  namespace,
  kind,
  name,
  source,
  labels,
  ports: ports.map((port) => ({ port })),
});

/** Labels the Job controller adds to every pod of a Job; hook Jobs whose templates set none have only these. */
const jobLabels = (job: string) => ({ "batch.kubernetes.io/job-name": job, "job-name": job });
const certManager = (name: string, component: string) => ({
  app: name,
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/instance": "cert-manager",
  "app.kubernetes.io/component": component,
});
const gatekeeper = {
  app: "gatekeeper",
  chart: "gatekeeper",
  "gatekeeper.sh/system": "yes",
  release: "gatekeeper",
  heritage: "Helm",
  "app.kubernetes.io/name": "gatekeeper",
  "app.kubernetes.io/instance": "gatekeeper",
};
const kps = { release: "kube-prometheus-stack", "app.kubernetes.io/instance": "kube-prometheus-stack", "app.kubernetes.io/part-of": "kube-prometheus-stack" };

export const CHART_WORKLOADS: ChartWorkload[] = [
  w("istio-system", "Deployment", "istiod", "istiod 1.31", {
    app: "istiod",
    istio: "pilot",
    "istio.io/rev": "default",
    "sidecar.istio.io/inject": "false",
    "app.kubernetes.io/name": "istiod",
  }, [15010, 15012, 15014, 15017, 8080]),
  // Not host-network: the chart sets hostNetwork only for ambient with a shared host namespace.
  w("istio-system", "DaemonSet", "istio-cni-node", "cni 1.31", {
    "k8s-app": "istio-cni-node",
    "sidecar.istio.io/inject": "false",
    "istio.io/dataplane-mode": "none",
    "app.kubernetes.io/name": "istio-cni",
  }, [15014, 8000]),
  w("istio-ingress", "Deployment", "istio-ingressgateway", "gateway 1.31", {
    app: "istio-ingressgateway",
    istio: "ingressgateway",
    "app.kubernetes.io/name": "istio-ingressgateway",
    "sidecar.istio.io/inject": "true",
  }, [80, 443, 15021, 15090, 15020]),
  w("cert-manager", "Deployment", "cert-manager", "cert-manager v1.21", certManager("cert-manager", "controller"), [9402, 9403]),
  w("cert-manager", "Deployment", "cert-manager-cainjector", "cert-manager v1.21", certManager("cainjector", "cainjector"), [9402]),
  w("cert-manager", "Deployment", "cert-manager-webhook", "cert-manager v1.21", certManager("webhook", "webhook"), [10250, 6080, 9402]),
  w("cert-manager", "Job", "cert-manager-startupapicheck", "cert-manager v1.21, post-install", {
    ...certManager("startupapicheck", "startupapicheck"),
    ...jobLabels("cert-manager-startupapicheck"),
  }),
  // The leader: Vault itself labels its pods vault-active (service_registration "kubernetes").
  w("vault", "StatefulSet", "vault", "vault-helm 0.34.1", {
    "app.kubernetes.io/name": "vault",
    "app.kubernetes.io/instance": "vault",
    component: "server",
    "vault-active": "true",
  }, [8200, 8201, 8202]),
  w("vault-secrets-operator", "Deployment", "vault-secrets-operator-controller-manager", "vault-secrets-operator 1.5", {
    "control-plane": "controller-manager",
    "app.kubernetes.io/name": "vault-secrets-operator",
    "app.kubernetes.io/instance": "vault-secrets-operator",
  }, [8443, 8081]),
  w("vault-secrets-operator", "Job", "upgrade-crds-vault-secrets-operator", "vault-secrets-operator 1.5, pre-upgrade (Job controller labels only)", jobLabels("upgrade-crds-vault-secrets-operator")),
  w("vault-secrets-operator", "Job", "pdcc-vault-secrets-operator", "vault-secrets-operator 1.5, pre-delete (Job controller labels only)", jobLabels("pdcc-vault-secrets-operator")),
  w("monitoring", "Deployment", "kube-prometheus-stack-operator", "kube-prometheus-stack 91", {
    ...kps,
    app: "kube-prometheus-stack-operator",
    "app.kubernetes.io/name": "kube-prometheus-stack-prometheus-operator",
    "app.kubernetes.io/component": "prometheus-operator",
  }, [10250]),
  w("monitoring", "Deployment", "kube-prometheus-stack-kube-state-metrics", "kube-state-metrics (kube-prometheus-stack 91)", {
    "app.kubernetes.io/name": "kube-state-metrics",
    "app.kubernetes.io/instance": "kube-prometheus-stack",
  }, [8080, 8081]),
  w("monitoring", "StatefulSet", "prometheus-kube-prometheus-stack-prometheus", "Prometheus Operator", {
    "app.kubernetes.io/name": "prometheus",
    "app.kubernetes.io/instance": "kube-prometheus-stack-prometheus",
    "app.kubernetes.io/managed-by": "prometheus-operator",
    "operator.prometheus.io/name": "kube-prometheus-stack-prometheus",
    "operator.prometheus.io/shard": "0",
    prometheus: "kube-prometheus-stack-prometheus",
  }, [9090, 8080]),
  w("monitoring", "StatefulSet", "alertmanager-kube-prometheus-stack-alertmanager", "Prometheus Operator", {
    "app.kubernetes.io/name": "alertmanager",
    "app.kubernetes.io/instance": "kube-prometheus-stack-alertmanager",
    "app.kubernetes.io/managed-by": "prometheus-operator",
    alertmanager: "kube-prometheus-stack-alertmanager",
  }, [9093, 9094, 8080]),
  ...["create", "patch"].map((step) =>
    w("monitoring", "Job", `kube-prometheus-stack-admission-${step}`, "kube-prometheus-stack 91, pre-install", {
      ...kps,
      app: `kube-prometheus-stack-admission-${step}`,
      "app.kubernetes.io/name": "kube-prometheus-stack-prometheus-operator",
      "app.kubernetes.io/component": "prometheus-operator-webhook",
      ...jobLabels(`kube-prometheus-stack-admission-${step}`),
    }),
  ),
  w("falco", "DaemonSet", "falco", "falco 9.1", { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco" }, [8765]),
  w("falco", "Deployment", "falco-falcosidekick", "falcosidekick 0.12", {
    "app.kubernetes.io/name": "falcosidekick",
    "app.kubernetes.io/instance": "falco",
    "app.kubernetes.io/component": "core",
    "app.kubernetes.io/part-of": "falcosidekick",
  }, [2801]),
  w("gatekeeper-system", "Deployment", "gatekeeper-controller-manager", "gatekeeper 3.23", {
    ...gatekeeper,
    "control-plane": "controller-manager",
    "gatekeeper.sh/operation": "webhook",
  }, [8443, 8888, 9090]),
  w("gatekeeper-system", "Deployment", "gatekeeper-audit", "gatekeeper 3.23", {
    ...gatekeeper,
    "control-plane": "audit-controller",
    "gatekeeper.sh/operation": "audit",
  }, [8888, 9090]),
  w("gatekeeper-system", "Job", "gatekeeper-update-crds-hook", "gatekeeper 3.23, pre-install", { ...gatekeeper, ...jobLabels("gatekeeper-update-crds-hook") }),
  w("gatekeeper-system", "Job", "gatekeeper-probe-webhook-post-install", "gatekeeper 3.23, post-install", {
    ...gatekeeper,
    ...jobLabels("gatekeeper-probe-webhook-post-install"),
  }),
  w("kube-system", "Deployment", "coredns", "EKS add-on coredns", { "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns" }, [53, 9153]),
  w("kube-system", "Deployment", "ebs-csi-controller", "EKS add-on aws-ebs-csi-driver", {
    app: "ebs-csi-controller",
    "app.kubernetes.io/name": "aws-ebs-csi-driver",
  }, [9808]),
  w("kube-system", "DaemonSet", "ebs-csi-node", "EKS add-on aws-ebs-csi-driver (node.hostNetwork false)", {
    app: "ebs-csi-node",
    "app.kubernetes.io/name": "aws-ebs-csi-driver",
  }, [9808]),
];

/**
 * A pod no component declares, in every namespace of the analysis: a stray or future workload.
 * Only the namespace's default deny (and, outside tenants, its DNS policy) decides what it gets.
 */
export const UNLISTED = "unlisted";
export const unlistedProbe = (namespace: string): ChartWorkload =>
  w(namespace, "Deployment", UNLISTED, "probe", { "agent-platform.io/probe": UNLISTED });

/** The probe workload of a row: a manifest np-guard turns into a pod with exactly these labels. */
export function probeManifest(workload: ChartWorkload): Record<string, unknown> {
  const template = {
    metadata: { labels: workload.labels },
    spec: {
      ...(workload.kind === "Job" ? { restartPolicy: "Never" } : {}),
      containers: [
        {
          name: "probe",
          image: "registry.k8s.io/pause:3.10",
          ports: workload.ports.map((p) => ({ containerPort: p.port, protocol: p.protocol ?? "TCP" })),
        },
      ],
    },
  };
  const metadata = { name: workload.name, namespace: workload.namespace };
  const apiVersion = workload.kind === "Job" ? "batch/v1" : "apps/v1";
  // A Job's pods are selected by the controller's own labels, so its spec carries no selector.
  const spec = workload.kind === "Job" ? { template } : { selector: { matchLabels: workload.labels }, template };
  return { apiVersion, kind: workload.kind, metadata, spec };
}

export function probeManifests(workloads: ChartWorkload[]): string {
  return workloads.map((workload) => stringify(probeManifest(workload), YAML_OPTIONS)).join("---\n");
}
