import { Evidence } from "../types";

const SERVER_TEST = "components/vault/server.test.ts";
const PROGRAM_TEST = "components/vault/program.test.ts";
const POLICIES_TEST = "components/vault/policies.test.ts";
const SNAPSHOT_TEST = "components/vault/snapshot.test.ts";
const OPERATOR_TEST = "components/vault/operator.test.ts";

/** What the Vault component enforces, and the tests that fail when it stops doing so. */
export const vaultEvidence: Evidence[] = [
  // The Secrets Operator reads every tenant's key: its chart's pods are held to "restricted".
  ...["ISO-06", "ISO-07", "ISO-08"].map((control) => ({
    control,
    enforcedBy: [{ kind: "component" as const, file: "components/vault/operator.ts", symbol: "podSecurityContext" }],
    provenBy: [
      { file: OPERATOR_TEST, test: "ISO-06 ISO-07 ISO-08 connects to the Vault service over TLS, trusting the internal CA; the operator's pods meet restricted" },
    ],
  })),
  {
    control: "SEC-02",
    enforcedBy: [
      { kind: "component", file: "components/vault/server.ts", symbol: 'seal "awskms"' },
      { kind: "component", file: "components/vault/server.ts", symbol: "retry_join" },
      { kind: "component", file: "components/vault/server.ts", symbol: "tlsDisable: false" },
      { kind: "component", file: "components/vault/tls.ts", symbol: "buildTlsManifests" },
      { kind: "component", file: "components/vault/cluster.ts", symbol: "aws.eks.PodIdentityAssociation" },
      { kind: "component", file: "components/vault/iam.ts", symbol: "unsealKeyPolicy" },
      { kind: "component", file: "components/vault/configuration.ts", symbol: 'options: { file_path: "stdout" }' },
    ],
    provenBy: [
      { file: SERVER_TEST, test: "SEC-02 the server config is three Raft peers joined over TLS, TLS on the listener, auto-unsealed by KMS" },
      { file: SERVER_TEST, test: "SEC-02 chart values: HA Raft with three replicas, TLS everywhere, pinned image, no injector" },
      { file: SERVER_TEST, test: "SEC-02 the internal CA signs a server certificate naming every peer, service and loopback" },
      { file: SNAPSHOT_TEST, test: "SEC-02 Vault's Pod Identity role may only encrypt, decrypt and describe with the unseal key" },
      { file: PROGRAM_TEST, test: "SEC-02 the pinned chart runs three Raft servers auto-unsealed by the KMS key through Pod Identity" },
      { file: PROGRAM_TEST, test: "SEC-02 audits to stdout as well, so a full audit volume cannot stop Vault answering" },
      { file: "components/monitoring/rules.test.ts", test: "SEC-02 alerts before Vault's audit volume fills, naming the chart's audit claims" },
    ],
  },
  {
    control: "SEC-03",
    enforcedBy: [
      { kind: "component", file: "components/vault/configuration.ts", symbol: "deletionAllowed: false" },
      { kind: "component", file: "components/vault/defaults.ts", symbol: 'transitKeyType: "aes256-gcm96"' },
    ],
    provenBy: [
      { file: PROGRAM_TEST, test: "SEC-03 the platform-credentials transit key is AES-256-GCM, cannot be deleted or exported, and is protected" },
    ],
  },
  {
    control: "SEC-04",
    enforcedBy: [
      { kind: "component", file: "components/vault/policies.ts", symbol: "{{identity.entity.metadata.agent_id}}" },
      { kind: "component", file: "components/vault/configuration.ts", symbol: "buildAgentAccess" },
    ],
    provenBy: [
      { file: POLICIES_TEST, test: "SEC-04 agent-self grants read on the agent's own KV v2 data and metadata, templated on agent_id, and nothing else" },
      { file: POLICIES_TEST, test: "SEC-04 one tenant's policy matches none of another tenant's paths, including prefix and glob tricks" },
      { file: POLICIES_TEST, test: "SEC-04 no two distinct tenant ids share a secret path under agent-self" },
      { file: POLICIES_TEST, test: "SEC-04 a tenant id that could widen the templated path is refused before it reaches Vault" },
      { file: PROGRAM_TEST, test: "SEC-04 each agent gets an entity carrying its agent_id, an alias for its service account and a role bound to it" },
      { file: PROGRAM_TEST, test: "SEC-04 creates no agent's role before its alias, so a first login cannot mint an entity without agent_id" },
    ],
  },
  {
    control: "SEC-05",
    enforcedBy: [{ kind: "component", file: "components/vault/operator.ts", symbol: "buildAgentSecretSync" }],
    provenBy: [
      { file: OPERATOR_TEST, test: "SEC-05 the AI key syncs into the tenant namespace as ai-provider-key, read with that agent's own role and policy" },
    ],
  },
  {
    control: "SEC-07",
    enforcedBy: [
      { kind: "component", file: "components/vault/cluster.ts", symbol: "protect: true" },
      { kind: "component", file: "components/vault/configuration.ts", symbol: "protect: true" },
      { kind: "component", file: "components/vault/snapshot.ts", symbol: "vault operator raft snapshot save" },
      { kind: "component", file: "components/vault/iam.ts", symbol: "snapshotUploadPolicy" },
    ],
    provenBy: [
      { file: PROGRAM_TEST, test: "SEC-07 the snapshot bucket and the Vault mounts are protected; snapshots are versioned, KMS-encrypted and private" },
      { file: SNAPSHOT_TEST, test: "SEC-07 the snapshot job logs in with its own role, saves a snapshot from the leader and uploads it to S3 under SSE-KMS" },
      { file: SNAPSHOT_TEST, test: "SEC-07 the uploader may only put objects under raft/ and use the key through S3" },
    ],
  },
  {
    control: "CLU-05",
    enforcedBy: [
      { kind: "component", file: "components/vault/server.ts", symbol: "topology.kubernetes.io/zone" },
      { kind: "component", file: "components/vault/server.ts", symbol: "disruptionBudget: { enabled: true, maxUnavailable: 1 }" },
    ],
    provenBy: [
      { file: SERVER_TEST, test: "CLU-05 servers spread one per zone on top of the chart's one-per-node anti-affinity, one down at most" },
      { file: PROGRAM_TEST, test: "CLU-05 the declared release keeps one server per zone and at most one down" },
    ],
  },
];
