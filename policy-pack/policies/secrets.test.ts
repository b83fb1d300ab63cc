import { agentPolicy, platformApiPolicy, snapshotPolicy } from "../../components/vault/policies";
import { clone, helmRelease, messages, resource } from "../fixtures";
import { haReleases, noPlaintextCredentials, policyPaths, vaultAgentPolicyTemplated, vaultHa } from "./secrets";

const RAFT_CONFIG = `listener "tcp" {
  tls_cert_file = "/vault/tls/tls.crt"
  tls_key_file  = "/vault/tls/tls.key"
}
storage "raft" { path = "/vault/data" }
seal "awskms" {
  region     = "us-east-1"
  kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/vault"
}
`;

const ZONE_SPREAD = [{ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", maxSkew: 1 }];

const VAULT_VALUES = {
  global: { tlsDisable: false },
  server: {
    ha: { enabled: true, replicas: 3, raft: { enabled: true, config: RAFT_CONFIG }, disruptionBudget: { enabled: true, maxUnavailable: 1 } },
    topologySpreadConstraints: ZONE_SPREAD,
  },
};

const GATEWAY_VALUES = {
  autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 9 },
  podDisruptionBudget: { maxUnavailable: 1 },
  topologySpreadConstraints: ZONE_SPREAD,
};

function vaultPolicy(name: string, policy: string) {
  return resource("vault:index/policy:Policy", { name, policy }, {}, name);
}

describe("secret and availability policies", () => {
  it("SEC-02 requires Vault to run three Raft nodes with TLS, auto-unsealed by AWS KMS", () => {
    expect(messages(vaultHa, [helmRelease("vault", VAULT_VALUES), helmRelease("gateway", {})])).toEqual([]);
    const weak = clone(VAULT_VALUES) as any;
    weak.global.tlsDisable = true;
    weak.server.ha.replicas = 1;
    weak.server.ha.raft.config = 'listener "tcp" { tls_disable = 1 }\nseal "transit" {}';
    expect(messages(vaultHa, [helmRelease("vault", weak)])).toEqual([
      "Helm release vault (vault) is not a three-node Raft cluster: set server.ha.enabled, server.ha.raft.enabled and server.ha.replicas: 3.",
      "Helm release vault (vault) serves without TLS: set global.tlsDisable: false and tls_cert_file/tls_key_file on the listener.",
      'Helm release vault (vault) does not auto-unseal with KMS: add a seal "awskms" stanza with kms_key_id to server.ha.raft.config.',
    ]);
  });

  it("CLU-05 requires Vault and the ingress gateway to run three zone-spread pods with a disruption budget", () => {
    expect(messages(haReleases, [helmRelease("vault", VAULT_VALUES), helmRelease("gateway", GATEWAY_VALUES), helmRelease("falco", {})])).toEqual([]);
    const vault = clone(VAULT_VALUES) as any;
    delete vault.server.topologySpreadConstraints;
    vault.server.ha.disruptionBudget = { enabled: false };
    expect(messages(haReleases, [helmRelease("vault", vault), helmRelease("gateway", { replicaCount: 2 })])).toEqual([
      "Helm release vault (vault) does not spread servers across zones: add a topology.kubernetes.io/zone DoNotSchedule constraint to server.topologySpreadConstraints.",
      "Helm release vault (vault) has no budget keeping quorum: set server.ha.disruptionBudget { enabled: true, maxUnavailable: 1 }.",
      "Helm release gateway (gateway) may run 2 pod(s): set autoscaling.minReplicas (or replicaCount) to at least 3.",
      "Helm release gateway (gateway) does not spread pods across zones: add a topology.kubernetes.io/zone DoNotSchedule constraint to topologySpreadConstraints.",
      "Helm release gateway (gateway) has no disruption budget: set podDisruptionBudget.maxUnavailable: 1.",
    ]);
  });

  it("SEC-04 requires Vault policies to read agents' secrets only through the agent_id template", () => {
    expect(policyPaths('path "a/b" {\n  capabilities = ["read", "list"]\n}\n')).toEqual([{ path: "a/b", capabilities: ["read", "list"] }]);
    const programs = [vaultPolicy("agent-self", agentPolicy()), vaultPolicy("platform-api", platformApiPolicy()), vaultPolicy("snapshot", snapshotPolicy())];
    expect(messages(vaultAgentPolicyTemplated, programs)).toEqual([]);
    const fix = "scope it to agents/data/{{identity.entity.metadata.agent_id}}/*.";
    const wide = vaultPolicy(
      "agent-wide",
      [
        'path "agents/data/{{identity.entity.metadata.agent_id}}*" { capabilities = ["read"] }',
        'path "agents/metadata/+/*" { capabilities = ["list"] }',
        'path "agents/*" { capabilities = ["read"] }',
        'path "agents/data/acme/*" { capabilities = ["create"] }',
      ].join("\n"),
    );
    expect(messages(vaultAgentPolicyTemplated, [wide])).toEqual([
      `Vault policy agent-wide lets read reach "agents/data/{{identity.entity.metadata.agent_id}}*": ${fix}`,
      `Vault policy agent-wide lets list reach "agents/metadata/+/*": ${fix}`,
      `Vault policy agent-wide lets read reach "agents/*": ${fix}`,
    ]);
  });

  it("SEC-06 refuses credentials in plain text in any resource input outside a Secret's data", () => {
    const secret = resource("kubernetes:core/v1:Secret", { kind: "Secret", metadata: { name: "k" }, stringData: { key: "sk-ant-api03-abcdefghijklmnopqrstuvwxyz" } });
    const masked = helmRelease("falco", { webhook: "[secret]" });
    expect(messages(noPlaintextCredentials, [secret, masked])).toEqual([]);
    const leaks = [
      helmRelease("falco", { falcosidekick: { config: { slack: { webhookurl: "https://hooks.slack.com/services/T000/B000/XXXXXXXX" } } } }),
      resource("kubernetes:core/v1:ConfigMap", { kind: "ConfigMap", data: { env: "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx" } }, {}, "cm"),
      resource("aws:iam/accessKey:AccessKey", { tags: { id: "AKIAABCDEFGHIJKLMNOP" } }, {}, "key"),
      resource("kubernetes:core/v1:Secret", { kind: "Secret", metadata: { annotations: { pem: "-----BEGIN RSA PRIVATE KEY-----" } } }, {}, "s"),
    ];
    const fix = "move it to a Kubernetes Secret or Vault, set from config with pulumi config set --secret.";
    expect(messages(noPlaintextCredentials, leaks)).toEqual([
      `kubernetes:helm.sh/v3:Release falco holds a Slack webhook URL at values.falcosidekick.config.slack.webhookurl: ${fix}`,
      `kubernetes:core/v1:ConfigMap cm holds an AI provider API key at data.env: ${fix}`,
      `aws:iam/accessKey:AccessKey key holds an AWS access key id at tags.id: ${fix}`,
      `kubernetes:core/v1:Secret s holds a private key at metadata.annotations.pem: ${fix}`,
    ]);
  });
});
