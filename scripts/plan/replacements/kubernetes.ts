import type { ReplacementRule } from "./types";

// ---------------------------------------------------------------------------------------------
// Kubernetes (pulumi-kubernetes)
// ---------------------------------------------------------------------------------------------

export const K8S_DIFF =
  "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNew table, metadataForceNewProperties, forceNewProperties) at HEAD " +
  "94977969d (2026-07-01), blob f999acc30; the file last changed in eaf47e883 (2026-02-18, a lint-only rewrite of the Secret/ConfigMap " +
  "conditions), before and after the v4.32.0 tag. @pulumi/kubernetes 4.34.2 is newer than the newest tag in the mirror (v4.32.0), so " +
  "HEAD is the nearest readable revision";

function labelSelector(prefix: string): string[] {
  return ["matchExpressions", "matchExpressions.key", "matchExpressions.operator", "matchExpressions.values", "matchLabels"].map(
    (p) => `${prefix}.${p}`,
  );
}

function containerFields(...prefixes: string[]): string[] {
  const fields = [
    "args", "command", "env", "env.value", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "ports", "readinessProbe",
    "resources", "securityContext", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty",
    "volumeDevices", "volumeMounts", "workingDir",
  ];
  return prefixes.flatMap((prefix) => fields.map((f) => `${prefix}.${f}`));
}

const WORKLOAD_SELECTOR = ["spec.selector", ...labelSelector("spec.selector")];

/** Kubernetes rules keyed by apiVersion group + "/" + Kind (use "core" for the core group), plus a rule for all kinds (metadata.name, metadata.namespace). */
export const KUBERNETES_REPLACEMENTS: Record<string, ReplacementRule> = {
  "*": {
    paths: ["metadata.name", "metadata.namespace"],
    source: `${K8S_DIFF}; provider/pkg/provider/provider.go Diff (forceNewFields, deleteBeforeReplace)`,
    note:
      "Every kind, every version, and the only rule for *Patch resources (kinds.IsPatchResource) and for kinds the table does not list " +
      "(CustomResources included). A replaced object is deleted before its replacement is created when its name is set explicitly " +
      "(metadata.name, not generateName, not a Pulumi auto-name) and the new name and namespace equal the old; otherwise the new object " +
      "is created first. A namespaced object whose namespace is unset counts as namespace \"default\" (Diff canonicalizes both sides), " +
      "and a new explicit name equal to the old auto-name is not a change. Removing the whole metadata object also replaces.",
  },
  "apps/StatefulSet": {
    apiVersions: ["v1beta1", "v1beta2", "v1"],
    paths: ["spec.podManagementPolicy", "spec.revisionHistoryLimit", ...WORKLOAD_SELECTOR, "spec.serviceName", "spec.volumeClaimTemplates"],
    source: `${K8S_DIFF} (var statefulSet)`,
    note: "spec.template (images, resources, env) updates in place as a rolling update; only the fields listed replace.",
  },
  "apps/Deployment": {
    apiVersions: ["v1beta2", "v1"],
    paths: WORKLOAD_SELECTOR,
    source: `${K8S_DIFF} (var deployment)`,
    note: "Only selector changes replace (the table's comment: selector replaces Deployment/DaemonSet only after v1beta1); the pod template updates in place.",
  },
  "apps/DaemonSet": {
    apiVersions: ["v1beta2", "v1"],
    paths: WORKLOAD_SELECTOR,
    source: `${K8S_DIFF} (var daemonset)`,
  },
  "batch/Job": {
    apiVersions: ["v1beta1", "v1", "v2alpha1"],
    paths: ["spec.completions", "spec.parallelism", ...WORKLOAD_SELECTOR, "spec.template"],
    source: `${K8S_DIFF} (var job)`,
    note: "CronJob is not in the table: only metadata.name/namespace replace it. A Job annotated pulumi.com/replaceUnready is also replaced when the live Job is not ready (not decidable offline).",
  },
  "core/PersistentVolume": {
    apiVersions: ["v1"],
    paths: [
      "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "csi", "fc", "flexVolume", "flocker", "gcePersistentDisk",
      "glusterfs", "hostPath", "iscsi", "local", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos",
      "vsphereVolume",
    ].map((p) => `spec.${p}`),
    source: `${K8S_DIFF} (core v1 PersistentVolume)`,
  },
  "core/PersistentVolumeClaim": {
    apiVersions: ["v1"],
    paths: ["spec.accessModes", ...WORKLOAD_SELECTOR, "spec.storageClassName", "spec.volumeName"],
    source: `${K8S_DIFF} (core v1 PersistentVolumeClaim)`,
    note: "spec.resources (a storage request) updates in place (commit ef82aac7f, 'Don't replace PVCs when resources change').",
  },
  "core/Pod": {
    apiVersions: ["v1"],
    paths: [
      ...[
        "affinity", "automountServiceAccountToken", "dnsConfig", "dnsPolicy", "enableServiceLinks", "hostAliases", "hostIPC", "hostNetwork",
        "hostPID", "hostname", "imagePullSecrets", "nodeName", "nodeSelector", "overhead", "preemptionPolicy", "priority",
        "priorityClassName", "readinessGates", "restartPolicy", "runtimeClassName", "schedulerName", "securityContext", "serviceAccount",
        "serviceAccountName", "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "volumes",
      ].map((p) => `spec.${p}`),
      ...containerFields("spec.containers[*]", "spec.initContainers[*]"),
    ],
    source: `${K8S_DIFF} (core v1 Pod, containerForceNewProperties)`,
    note: "Bare Pods only; workloads' pod templates are not under this rule.",
  },
  "core/ResourceQuota": {
    apiVersions: ["v1"],
    paths: ["spec.scopes"],
    source: `${K8S_DIFF} (core v1 ResourceQuota)`,
  },
  "core/Secret": {
    apiVersions: ["v1"],
    paths: ["type", "stringData", "data"],
    source: `${K8S_DIFF} (clients.IsSecret branch); provider.go Configure (enableSecretMutable, PULUMI_K8S_ENABLE_SECRET_MUTABLE, default false)`,
    note:
      "With the provider default (enableSecretMutable false), or when the Secret has immutable: true, type/stringData/data all replace. " +
      "With enableSecretMutable true and immutable not true, only type replaces (the table's core v1 Secret entry).",
  },
  "core/ConfigMap": {
    apiVersions: ["v1"],
    paths: ["binaryData", "data"],
    source: `${K8S_DIFF} (clients.IsConfigMap branch); provider.go Configure (enableConfigMapMutable, PULUMI_K8S_ENABLE_CONFIGMAP_MUTABLE, default false)`,
    note: "Default (enableConfigMapMutable false) or immutable: true: data/binaryData replace. With enableConfigMapMutable true and immutable not true: only metadata.name/namespace.",
  },
  "core/Service": {
    apiVersions: ["v1"],
    paths: ["spec.clusterIP"],
    source: `${K8S_DIFF} (core v1 Service)`,
    note: "spec.type and spec.ports update in place (commit fd8ccd869, 'Don't replace Service on .spec.type change').",
  },
  "policy/PodDisruptionBudget": {
    apiVersions: ["v1beta1"],
    paths: ["spec"],
    source: `${K8S_DIFF} (policy v1beta1 PodDisruptionBudget)`,
    note: "Only policy/v1beta1 is listed: a policy/v1 PodDisruptionBudget's spec updates in place.",
  },
  "rbac.authorization.k8s.io/RoleBinding": {
    apiVersions: ["v1alpha1", "v1beta1", "v1"],
    paths: ["roleRef"],
    source: `${K8S_DIFF} (var roleBinding)`,
  },
  "rbac.authorization.k8s.io/ClusterRoleBinding": {
    apiVersions: ["v1alpha1", "v1beta1", "v1"],
    paths: ["roleRef"],
    source: `${K8S_DIFF} (var roleBinding)`,
  },
  "storage.k8s.io/StorageClass": {
    apiVersions: ["v1"],
    paths: ["parameters", "provisioner"],
    source: `${K8S_DIFF} (storage.k8s.io v1 StorageClass)`,
  },
};
