/**
 * Vault's and the Secrets Operator's NetworkPolicies (review m7): only the platform's own clients
 * reach Vault, and Vault reaches only its peers, the API server, KMS and STS. Every flow is named
 * beside its rule; pod labels are the charts' (vault-helm 0.34.1, vault-secrets-operator 1.5).
 */
import { PLATFORM_API_NAMESPACE } from "../mesh/identities";
import { PLATFORM_API_SELECTOR } from "../mesh/platformApi";
import { MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS, VAULT_API_PORT } from "../monitoring/defaults";
import {
  ClusterNetwork,
  NetworkPolicyManifest,
  jobPods,
  matching,
  podsHere,
  podsIn,
  tcp,
  toApiServer,
  toPodIdentityAgent,
  toPublicHttps,
  workloadPolicy,
} from "../network/policy";
import { standardLabels } from "../shared/labels";
import { SNAPSHOT, VAULT_NAMESPACE, VSO_NAMESPACE } from "./defaults";
import { SERVER_POD_LABELS } from "./server";

/** Raft replication and request forwarding between the servers (cluster_address). */
export const VAULT_CLUSTER_PORT = 8201;

/** The snapshot Job's pods, by the labels its template sets. */
export const SNAPSHOT_POD_LABELS = { "app.kubernetes.io/name": standardLabels(SNAPSHOT.cronJob)["app.kubernetes.io/name"] } as const;

/** The operator's manager pod (chart: `control-plane` plus its selector labels). */
export const VSO_CONTROLLER_LABELS = {
  "control-plane": "controller-manager",
  "app.kubernetes.io/name": "vault-secrets-operator",
  "app.kubernetes.io/instance": "vault-secrets-operator",
} as const;
/** The chart's pre-upgrade CRD Job and pre-delete cleanup Job, whose templates set no labels. */
export const VSO_HOOK_JOBS = ["upgrade-crds-vault-secrets-operator", "pdcc-vault-secrets-operator"] as const;

const servers = podsHere(SERVER_POD_LABELS);

export function buildVaultPolicies(network: ClusterNetwork, options: { snapshots: boolean }): NetworkPolicyManifest[] {
  const ns = VAULT_NAMESPACE;
  const clients = [
    // Syncs each agent's key with the agent's own identity.
    podsIn(VSO_NAMESPACE, VSO_CONTROLLER_LABELS),
    // Transit and the API's secrets.
    podsIn(PLATFORM_API_NAMESPACE, PLATFORM_API_SELECTOR),
    // /v1/sys/metrics on the active server (CLU-06).
    podsIn(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS),
    ...(options.snapshots ? [podsHere(SNAPSHOT_POD_LABELS)] : []),
    // retry_join and forwarding to the leader's API address.
    servers,
  ];
  return [
    workloadPolicy(ns, "vault-server", matching(SERVER_POD_LABELS), {
      ingress: [
        { from: clients, ports: tcp(VAULT_API_PORT) },
        { from: [servers], ports: tcp(VAULT_CLUSTER_PORT) },
      ],
      egress: [
        { to: [servers], ports: tcp(VAULT_API_PORT, VAULT_CLUSTER_PORT) },
        // service_registration labels the pods; Kubernetes auth reviews every login's token.
        toApiServer(network),
        // The awskms seal: KMS and STS with the Pod Identity agent's credentials.
        toPublicHttps,
        toPodIdentityAgent,
      ],
    }),
    ...(options.snapshots
      ? [
          workloadPolicy(ns, "vault-snapshot", matching(SNAPSHOT_POD_LABELS), {
            egress: [
              // The snapshot from the leader, through vault-active (selector a superset of these labels).
              { to: [servers], ports: tcp(VAULT_API_PORT) },
              // The upload to S3 with its own Pod Identity credentials.
              toPublicHttps,
              toPodIdentityAgent,
            ],
          }),
        ]
      : []),
  ];
}

export function buildSecretsOperatorPolicies(network: ClusterNetwork): NetworkPolicyManifest[] {
  const ns = VSO_NAMESPACE;
  return [
    workloadPolicy(ns, "vault-secrets-operator", matching(VSO_CONTROLLER_LABELS), {
      // vault-active on 8200; the API server for the tenants' tokens, their Secrets and restarts.
      egress: [{ to: [podsIn(VAULT_NAMESPACE, SERVER_POD_LABELS)], ports: tcp(VAULT_API_PORT) }, toApiServer(network)],
    }),
    workloadPolicy(ns, "vault-secrets-operator-hooks", jobPods(...VSO_HOOK_JOBS), { egress: [toApiServer(network)] }),
  ];
}
