import { ResourceValidationPolicy } from "@pulumi/policy";
import { HELM_RELEASE, SECRET, configOf, forTypes } from "./k8s";

function releaseOf(chart: string) {
  return (props: any, args: { notApplicable(reason?: string): never }) => {
    if (props.chart !== chart) args.notApplicable(`not the ${chart} chart`);
    return props.values ?? {};
  };
}
const vaultValues = releaseOf("vault");
const gatewayValues = releaseOf("gateway");

export const vaultHa: ResourceValidationPolicy = {
  name: "vault-ha-tls-kms",
  description: "SEC-02: Vault runs as a three-node Raft HA cluster with TLS and auto-unseals with AWS KMS.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([HELM_RELEASE], (props, args, report) => {
    const values = vaultValues(props, args);
    const ha = values.server?.ha ?? {};
    const config: string = typeof ha.raft?.config === "string" ? ha.raft.config : "";
    const at = `Helm release ${props.name ?? args.name} (vault)`;
    if (ha.enabled !== true || ha.raft?.enabled !== true || Number(ha.replicas ?? 0) < 3) {
      report(`${at} is not a three-node Raft cluster: set server.ha.enabled, server.ha.raft.enabled and server.ha.replicas: 3.`);
    }
    if (values.global?.tlsDisable !== false || !/tls_cert_file\s*=/.test(config) || /tls_disable\s*=\s*(true|1|"true")/.test(config)) {
      report(`${at} serves without TLS: set global.tlsDisable: false and tls_cert_file/tls_key_file on the listener.`);
    }
    if (!/seal\s+"awskms"\s*\{[^}]*kms_key_id\s*=/.test(config)) {
      report(`${at} does not auto-unseal with KMS: add a seal "awskms" stanza with kms_key_id to server.ha.raft.config.`);
    }
  }),
};

function spreadsAcrossZones(constraints: any): boolean {
  return ((constraints ?? []) as any[]).some((c) => c?.topologyKey === "topology.kubernetes.io/zone" && c?.whenUnsatisfiable === "DoNotSchedule");
}

export const haReleases: ResourceValidationPolicy = {
  name: "ha-vault-and-ingress",
  description: "CLU-05: Vault and the ingress gateway run three or more pods spread across zones with a disruption budget, so they survive losing a node or a zone.",
  enforcementLevel: "mandatory",
  validateResource: [
    forTypes([HELM_RELEASE], (props, args, report) => {
      const values = vaultValues(props, args);
      const ha = values.server?.ha ?? {};
      const at = `Helm release ${props.name ?? args.name} (vault)`;
      if (!spreadsAcrossZones(values.server?.topologySpreadConstraints)) {
        report(`${at} does not spread servers across zones: add a topology.kubernetes.io/zone DoNotSchedule constraint to server.topologySpreadConstraints.`);
      }
      if (ha.disruptionBudget?.enabled !== true || Number(ha.disruptionBudget?.maxUnavailable ?? 0) !== 1) {
        report(`${at} has no budget keeping quorum: set server.ha.disruptionBudget { enabled: true, maxUnavailable: 1 }.`);
      }
    }),
    forTypes([HELM_RELEASE], (props, args, report) => {
      const values = gatewayValues(props, args);
      const at = `Helm release ${props.name ?? args.name} (gateway)`;
      const replicas = values.autoscaling?.enabled === true ? Number(values.autoscaling.minReplicas ?? 1) : Number(values.replicaCount ?? 1);
      if (replicas < 3) report(`${at} may run ${replicas} pod(s): set autoscaling.minReplicas (or replicaCount) to at least 3.`);
      if (!spreadsAcrossZones(values.topologySpreadConstraints)) {
        report(`${at} does not spread pods across zones: add a topology.kubernetes.io/zone DoNotSchedule constraint to topologySpreadConstraints.`);
      }
      if (values.podDisruptionBudget?.maxUnavailable === undefined && values.podDisruptionBudget?.minAvailable === undefined) {
        report(`${at} has no disruption budget: set podDisruptionBudget.maxUnavailable: 1.`);
      }
    }),
  ],
};

const VAULT_POLICY_CONFIG = {
  properties: {
    agentKvMount: { type: "string" as const, default: "agents", description: "The KV v2 mount holding agents' secrets." },
  },
};

export const AGENT_ID_SEGMENT = "{{identity.entity.metadata.agent_id}}";
const READING = ["read", "list", "sudo"];

/** `path "…" { capabilities = [...] }` blocks of an HCL policy; enough for the policies Pulumi writes. */
export function policyPaths(hcl: string): { path: string; capabilities: string[] }[] {
  return [...hcl.matchAll(/path\s+"([^"]+)"\s*\{([^}]*)\}/g)].map((m) => ({
    path: m[1],
    capabilities: [...(/capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2])?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((c) => c[1]),
  }));
}

export const vaultAgentPolicyTemplated: ResourceValidationPolicy = {
  name: "vault-agent-secrets-templated",
  description: "SEC-04: a Vault policy reads agents' secrets only through a path templated on identity.entity.metadata.agent_id.",
  enforcementLevel: "mandatory",
  configSchema: VAULT_POLICY_CONFIG,
  validateResource: forTypes(["vault:index/policy:Policy"], (props, args, report) => {
    const { agentKvMount } = configOf<{ agentKvMount: string }>(VAULT_POLICY_CONFIG, args);
    for (const rule of policyPaths(String(props.policy ?? ""))) {
      if (!rule.path.startsWith(`${agentKvMount}/`) || !rule.capabilities.some((c) => READING.includes(c))) continue;
      const rest = rule.path.slice(agentKvMount.length + 1);
      const scoped = /^(data|metadata)\/(.*)$/.exec(rest);
      // The id must be a whole segment: "{{…agent_id}}*" would let acme read acme2's secrets.
      const ok = scoped ? scoped[2] === AGENT_ID_SEGMENT || scoped[2].startsWith(`${AGENT_ID_SEGMENT}/`) : !/^[*+]/.test(rest);
      if (!ok) {
        report(`Vault policy ${props.name ?? args.name} lets ${rule.capabilities.join("/")} reach "${rule.path}": scope it to ${agentKvMount}/data/${AGENT_ID_SEGMENT}/*.`);
      }
    }
  }),
};

/** Shapes of credentials that must never sit in a resource's inputs in plain text. */
export const CREDENTIAL_PATTERNS: [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a Slack webhook URL", /hooks\.slack\.com\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+/],
  ["an AI provider API key", /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}/],
  ["a GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
];

function findCredential(value: unknown, path: string, depth = 0): { path: string; kind: string } | undefined {
  if (depth > 40) return undefined;
  if (typeof value === "string") {
    const hit = CREDENTIAL_PATTERNS.find(([, pattern]) => pattern.test(value));
    return hit ? { path, kind: hit[0] } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findCredential(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      const found = findCredential(child, path ? `${path}.${key}` : key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

export const noPlaintextCredentials: ResourceValidationPolicy = {
  name: "no-plaintext-credentials",
  description: "SEC-06: no resource input carries a credential in plain text; credentials live only in a Kubernetes Secret's data or in Vault.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    // The Kubernetes provider always stores a Secret's data and stringData as Pulumi secrets.
    const props = args.type === SECRET ? { ...args.props, data: undefined, stringData: undefined } : args.props;
    const found = findCredential(props, "");
    if (found) {
      report(`${args.type} ${args.name} holds ${found.kind} at ${found.path}: move it to a Kubernetes Secret or Vault, set from config with pulumi config set --secret.`);
    }
  },
};

export const SECRET_POLICIES = [vaultHa, haReleases, vaultAgentPolicyTemplated, noPlaintextCredentials];
