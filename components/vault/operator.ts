import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterNetworkInput, declareNetworkPolicies } from "../network/declare";
import { standardLabels } from "../shared/labels";
import { platformNamespace } from "../shared/namespace";
import { agentRoleName } from "./configuration";
import {
  VAULT_ACTIVE_ADDR,
  VAULT_CONFIG,
  VAULT_HELM_REPO,
  VAULT_NAMESPACE,
  VAULT_TLS_SECRET,
  VSO_CHART_VERSION,
  VSO_NAMESPACE,
} from "./defaults";
import { PART_OF_POSTRENDER, mergeValues } from "../shared/values";
import { buildSecretsOperatorPolicies } from "./network";
import type { Manifest } from "./tls";

const VSO_API = "secrets.hashicorp.com/v1beta1";
/** The one VaultConnection; it lives next to the CA it trusts, in namespace vault. */
export const VAULT_CONNECTION = { name: "vault", namespace: VAULT_NAMESPACE } as const;

/**
 * The operator's connection to Vault over TLS. VSO reads `ca.crt` from a Secret in the
 * connection's own namespace, which is why the connection sits in namespace vault rather than in
 * the operator's: the CA never has to be copied. It targets the leader's Service: the chart
 * publishes not-ready (sealed) servers in the plain `vault` Service.
 */
export function buildVaultConnection(): Manifest {
  return {
    apiVersion: VSO_API,
    kind: "VaultConnection",
    metadata: { ...VAULT_CONNECTION, labels: standardLabels("vault-secrets-operator", "connection") },
    spec: { address: VAULT_ACTIVE_ADDR, caCertSecretRef: VAULT_TLS_SECRET, skipTLSVerify: false },
  };
}

export interface AgentSecretSyncArgs {
  tenantId: string;
  /** The tenant's namespace: the VaultAuth, the VaultStaticSecret and the synced Secret live there. */
  namespace: string;
  /** The agent's service account, bound by its Vault role. */
  serviceAccount: string;
  /** @default "60s" */
  refreshAfter?: string;
  /** Workloads restarted when the key changes. @default [] */
  rolloutRestartTargets?: Array<{ kind: "Deployment" | "StatefulSet" | "DaemonSet"; name: string }>;
  /** Extra keys the operator renders into the Secret from the Vault data (VSO transformation templates). @default {} */
  templates?: Record<string, { text: string }>;
}

/**
 * SEC-05: the AI provider key reaches a tenant only as the Secret `ai-provider-key`, synced by the
 * operator with the tenant's own identity (its role and service account), so the read is bound by
 * the agent-self policy. SEC-09: only the tenant's egress proxy mounts that Secret.
 */
export function buildAgentSecretSync(args: AgentSecretSyncArgs): { auth: Manifest; secret: Manifest } {
  const labels = standardLabels(`agent-${args.tenantId}`, "secrets");
  const authName = `agent-${args.tenantId}-vault`;
  return {
    auth: {
      apiVersion: VSO_API,
      kind: "VaultAuth",
      metadata: { name: authName, namespace: args.namespace, labels },
      spec: {
        vaultConnectionRef: `${VAULT_CONNECTION.namespace}/${VAULT_CONNECTION.name}`,
        method: "kubernetes",
        mount: VAULT_CONFIG.kubernetesPath,
        kubernetes: {
          role: agentRoleName(args.tenantId),
          serviceAccount: args.serviceAccount,
          audiences: [VAULT_CONFIG.tokenAudience],
        },
      },
    },
    secret: {
      apiVersion: VSO_API,
      kind: "VaultStaticSecret",
      metadata: { name: VAULT_CONFIG.aiProviderSecretName, namespace: args.namespace, labels },
      spec: {
        vaultAuthRef: authName,
        type: "kv-v2",
        mount: VAULT_CONFIG.kvPath,
        path: `${args.tenantId}/${VAULT_CONFIG.aiProviderSecretPath}`,
        refreshAfter: args.refreshAfter ?? VAULT_CONFIG.refreshAfter,
        hmacSecretData: true,
        destination: {
          name: VAULT_CONFIG.aiProviderSecretName,
          create: true,
          overwrite: false,
          labels,
          ...(args.templates && Object.keys(args.templates).length ? { transformation: { templates: args.templates } } : {}),
        },
        ...(args.rolloutRestartTargets?.length ? { rolloutRestartTargets: args.rolloutRestartTargets } : {}),
      },
    },
  };
}

/** Values of the `hashicorp/vault-secrets-operator` chart this component sets. */
export function buildOperatorValues(values: Record<string, unknown> = {}): Record<string, unknown> {
  const computed = {
    // Our own VaultConnection (above) replaces the chart's; no default auth lets a VaultStaticSecret
    // without an explicit VaultAuth fall back to some shared identity.
    defaultVaultConnection: { enabled: false },
    defaultAuthMethod: { enabled: false },
    // The operator reads every tenant's key: its manager, its kube-rbac-proxy and its hook Jobs
    // meet Pod Security "restricted" and every constraint (the chart only forbids escalation).
    controller: {
      podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    },
  };
  return mergeValues(computed, values);
}

export interface VaultSecretsOperatorArgs {
  /** The cluster's API server address and node subnets, for the operator's NetworkPolicies. */
  network: ClusterNetworkInput;
  /** The Vault servers, so the connection is declared after them. @default [] */
  dependsOn?: pulumi.Resource[];
  /** Deep-merged over the chart values last. @default {} */
  values?: Record<string, unknown>;
}

/** The Vault Secrets Operator and its connection to Vault. */
export class VaultSecretsOperator extends pulumi.ComponentResource {
  readonly connectionRef = `${VAULT_CONNECTION.namespace}/${VAULT_CONNECTION.name}`;
  /** Tenant components depend on this before declaring VaultAuth and VaultStaticSecret objects. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: VaultSecretsOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:vault:VaultSecretsOperator", name, {}, opts);
    const parent = { parent: this };
    // The operator's pods meet "restricted" with the security contexts its values set.
    const namespace = platformNamespace(VSO_NAMESPACE, { podSecurity: "restricted" }, parent);
    const policies = declareNetworkPolicies(name, buildSecretsOperatorPolicies, args.network, { ...parent, dependsOn: [namespace, ...namespace.networkBaseline] });
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: "vault-secrets-operator",
        chart: "vault-secrets-operator",
        version: VSO_CHART_VERSION,
        repositoryOpts: { repo: VAULT_HELM_REPO },
        namespace: VSO_NAMESPACE,
        values: buildOperatorValues(args.values),
        // The chart labels only the pod template; ADM-01 needs part-of on the Deployment.
        postrender: PART_OF_POSTRENDER,
      },
      { ...parent, dependsOn: [namespace, ...policies] },
    );
    new k8s.apiextensions.CustomResource(`${name}-connection`, buildVaultConnection(), {
      ...parent,
      dependsOn: [this.release, ...(args.dependsOn ?? [])],
    });
    this.registerOutputs({ connectionRef: this.connectionRef });
  }
}
