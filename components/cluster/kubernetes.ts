import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../shared/labels";
import { RUNSC_HANDLER, RUNTIME_CLASS_NAME, SANDBOX_NODE_LABEL, SANDBOX_NODE_VALUE, SANDBOX_POD_OVERHEAD, STORAGE_CLASS_NAME } from "./defaults";

/**
 * ISO-10: pods that name this RuntimeClass run under runsc and are scheduled only onto the tainted
 * sandbox nodes, whose taint they tolerate; nothing else lands on those nodes.
 */
export function buildRuntimeClass(): k8s.types.input.node.v1.RuntimeClass {
  return {
    apiVersion: "node.k8s.io/v1",
    kind: "RuntimeClass",
    metadata: { name: RUNTIME_CLASS_NAME, labels: standardLabels(RUNTIME_CLASS_NAME, "sandbox") },
    handler: RUNSC_HANDLER,
    scheduling: {
      nodeSelector: { [SANDBOX_NODE_LABEL]: SANDBOX_NODE_VALUE },
      tolerations: [{ key: SANDBOX_NODE_LABEL, operator: "Equal", value: SANDBOX_NODE_VALUE, effect: "NoSchedule" }],
    },
    // The sandbox's own kernel and gofer use memory and CPU that quotas must account for.
    overhead: { podFixed: { ...SANDBOX_POD_OVERHEAD } },
  };
}

/** ISO-13, SEC-08: the default class provisions gp3 volumes encrypted with the platform's EBS key. */
export function buildStorageClass(kmsKeyArn: pulumi.Input<string>): k8s.types.input.storage.v1.StorageClass {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: {
      name: STORAGE_CLASS_NAME,
      labels: standardLabels(STORAGE_CLASS_NAME, "storage"),
      annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
    },
    provisioner: "ebs.csi.aws.com",
    parameters: { type: "gp3", encrypted: "true", kmsKeyId: kmsKeyArn, "csi.storage.k8s.io/fstype": "ext4" },
    // Volumes are created in the zone where the pod lands, and kept when a claim is deleted by mistake.
    volumeBindingMode: "WaitForFirstConsumer",
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
  };
}

/** A kubeconfig that authenticates with `aws eks get-token`: no long-lived credential in it. */
export function buildKubeconfig(clusterName: string, endpoint: string, caData: string, region: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
          },
        },
      },
    ],
  });
}
