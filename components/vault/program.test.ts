import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { EXAMPLE_NETWORK } from "../network/testing";
import { ProgramRun, runProgram } from "../../scripts/engine/run";
import { VaultCluster, VaultClusterArgs } from "./cluster";
import { VaultConfiguration, grantAgent } from "./configuration";
import { VaultSecretsOperator } from "./operator";
import { vaultProviderArgs } from "./provider";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/vault-key-id";
const AWS_ARGS: VaultClusterArgs["aws"] = { region: "us-east-1", clusterName: "prod", unsealKeyArn: KEY };

/** The platform's Vault parts as the composition root would declare them, under the mock engine. */
function declare(args: Omit<VaultClusterArgs, "network">, configure: boolean) {
  return runProgram({
    configOnly: true,
    program: async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      const server = new VaultCluster("vault", { ...args, network: EXAMPLE_NETWORK }, { providers: [provider] });
      new VaultSecretsOperator("vault-secrets-operator", { dependsOn: [server], network: EXAMPLE_NETWORK }, { providers: [provider] });
      if (configure) {
        const vaultProvider = new vault.Provider("vault", vaultProviderArgs({ address: "https://127.0.0.1:8200" }));
        const config = new VaultConfiguration("vault-config", {}, { provider: vaultProvider });
        grantAgent("vault-config-agent-acme", config.agentAccess(), { tenantId: "acme", namespace: "tenant-acme", serviceAccount: "agent" }, { parent: config });
      }
    },
  });
}

describe("vault under the mock engine", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await declare({ aws: AWS_ARGS }, true);
  });

  const values = () => run.findResource("kubernetes:helm.sh/v3:Release", "vault-release").inputs.values as any;

  it("SEC-02 the pinned chart runs three Raft servers auto-unsealed by the KMS key through Pod Identity", () => {
    const release = run.findResource("kubernetes:helm.sh/v3:Release", "vault-release");
    expect(release.inputs).toMatchObject({
      name: "vault",
      chart: "vault",
      version: "0.34.1",
      namespace: "vault",
      repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
    });
    const config: string = values().server.ha.raft.config;
    expect(config).toContain(`seal "awskms" {\n  region     = "us-east-1"\n  kms_key_id = "${KEY}"\n}`);
    expect(values().server.ha.replicas).toBe(3);
    expect(run.findResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "vault-unseal-identity").inputs).toMatchObject({
      clusterName: "prod",
      namespace: "vault",
      serviceAccount: "vault",
    });
    expect(JSON.parse(run.findResource("aws:iam/rolePolicy:RolePolicy", "vault-unseal-policy").inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "VaultAutoUnseal", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: KEY }],
    });
    expect(run.findResource("kubernetes:cert-manager.io/v1:Certificate", "vault-server-tls").inputs).toMatchObject({
      metadata: { name: "vault-server-tls", namespace: "vault" },
    });
    expect(run.findResource("kubernetes:core/v1:Namespace", "vault-namespace").inputs).toMatchObject({
      metadata: { name: "vault", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
  });

  it("CLU-05 the declared release keeps one server per zone and at most one down", () => {
    expect(values().server.ha.disruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(values().server.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
    });
  });

  it("SEC-03 the platform-credentials transit key is AES-256-GCM, cannot be deleted or exported, and is protected", () => {
    const key = run.findResource("vault:transit/secretBackendKey:SecretBackendKey", "vault-config-platform-credentials");
    expect(key.inputs).toMatchObject({
      name: "platform-credentials",
      type: "aes256-gcm96",
      deletionAllowed: false,
      exportable: false,
      allowPlaintextBackup: false,
    });
    expect(key.options.protect).toBe(true);
    expect(run.findResource("vault:index/mount:Mount", "vault-config-transit").inputs).toMatchObject({ path: "transit", type: "transit" });
  });

  it("SEC-07 the snapshot bucket and the Vault mounts are protected; snapshots are versioned, KMS-encrypted and private", () => {
    const bucket = run.findResource("aws:s3/bucket:Bucket", "vault-snapshots");
    expect(bucket.options.protect).toBe(true);
    expect(bucket.inputs.forceDestroy).toBe(false);
    expect(run.findResource("aws:s3/bucketVersioning:BucketVersioning", "vault-snapshots-versioning").inputs).toMatchObject({
      versioningConfiguration: { status: "Enabled" },
    });
    expect(
      run.findResource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "vault-snapshots-encryption").inputs,
    ).toMatchObject({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }] });
    expect(run.findResource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "vault-snapshots-public-access").inputs).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    const cronJob = run.findResource("kubernetes:batch/v1:CronJob", "vault-snapshot").inputs as any;
    expect(cronJob.metadata).toMatchObject({ name: "vault-snapshot", namespace: "vault" });
    expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0].args).toContain("s3://prod-vault-snapshots-123456789012/raft/");
    expect(run.findResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "vault-snapshot-identity").inputs).toMatchObject({
      namespace: "vault",
      serviceAccount: "vault-snapshot",
    });
    expect(run.findResource("vault:index/mount:Mount", "vault-config-agents-kv").options.protect).toBe(true);
    expect(run.findResource("vault:kubernetes/authBackendRole:AuthBackendRole", "vault-config-snapshot-role").inputs).toMatchObject({
      roleName: "raft-snapshot",
      boundServiceAccountNames: ["vault-snapshot"],
      boundServiceAccountNamespaces: ["vault"],
      tokenPolicies: ["raft-snapshot"],
    });
  });

  it("SEC-04 each agent gets an entity carrying its agent_id, an alias for its service account and a role bound to it", () => {
    expect(run.findResource("vault:identity/entity:Entity", "vault-config-agent-acme-entity").inputs).toMatchObject({
      name: "agent-acme",
      metadata: { agent_id: "acme" },
      policies: ["agent-self"],
    });
    expect(run.findResource("vault:identity/entityAlias:EntityAlias", "vault-config-agent-acme-alias").inputs).toMatchObject({
      name: "tenant-acme/agent",
      canonicalId: "vault-config-agent-acme-entity-id",
    });
    expect(run.findResource("vault:kubernetes/authBackendRole:AuthBackendRole", "vault-config-agent-acme-role").inputs).toMatchObject({
      backend: "kubernetes",
      roleName: "agent-acme",
      boundServiceAccountNames: ["agent"],
      boundServiceAccountNamespaces: ["tenant-acme"],
      aliasNameSource: "serviceaccount_name",
      tokenPolicies: ["agent-self"],
    });
    expect(run.findResource("vault:index/policy:Policy", "vault-config-agent-self-policy").inputs.name).toBe("agent-self");
  });

  it("enables file audit to the audit volume and names every Vault object explicitly", () => {
    expect(run.findResource("vault:index/audit:Audit", "vault-config-audit-file").inputs).toMatchObject({
      type: "file",
      path: "file",
      options: { file_path: "/vault/audit/audit.log" },
    });
    // The provider autonames a missing name with a random suffix; the key that names each type.
    const identity: Record<string, string> = {
      "vault:index/audit:Audit": "path",
      "vault:index/mount:Mount": "path",
      "vault:index/authBackend:AuthBackend": "path",
      "vault:index/policy:Policy": "name",
      "vault:transit/secretBackendKey:SecretBackendKey": "name",
      "vault:kubernetes/authBackendConfig:AuthBackendConfig": "backend",
      "vault:kubernetes/authBackendRole:AuthBackendRole": "roleName",
      "vault:identity/entity:Entity": "name",
      "vault:identity/entityAlias:EntityAlias": "name",
    };
    const declared = run.resources.filter((r) => r.type.startsWith("vault:"));
    const unnamed = declared.filter((r) => typeof r.inputs[identity[r.type] ?? "?"] !== "string");
    expect(unnamed.map((r) => `${r.type} ${r.name}`)).toEqual([]);
    const provider = run.findResource("pulumi:providers:vault", "vault");
    expect(Object.keys(provider.inputs).filter((key) => /token/i.test(key) && key !== "skipChildToken")).toEqual([]);
  });

  it("SEC-02 audits to stdout as well, so a full audit volume cannot stop Vault answering", () => {
    const devices = run.findResources("vault:index/audit:Audit").map((r) => [r.inputs.path, r.inputs.type, r.inputs.options.file_path]);
    expect(devices).toEqual([
      ["file", "file", "/vault/audit/audit.log"],
      ["stdout", "file", "stdout"],
    ]);
  });

  it("SEC-04 creates no agent's role before its alias, so a first login cannot mint an entity without agent_id", () => {
    const alias = run.findResource("vault:identity/entityAlias:EntityAlias", "vault-config-agent-acme-alias");
    const role = run.findResource("vault:kubernetes/authBackendRole:AuthBackendRole", "vault-config-agent-acme-role");
    expect(role.options.dependsOn).toContain(alias.urn);
  });

  it("refuses to configure Vault through the ambient default provider", async () => {
    const run = runProgram({
      configOnly: true,
      program: async () => {
        new VaultConfiguration("vault-config", {});
      },
    });
    await expect(run).rejects.toThrow("needs an explicit vault.Provider");
  });

  it("on an existing cluster Vault uses Shamir keys, declares nothing in AWS and takes no snapshots", async () => {
    const existing = await declare({}, false);
    expect(existing.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.name)).toEqual([]);
    expect(existing.findResources("kubernetes:batch/v1:CronJob")).toEqual([]);
    const config = (existing.findResource("kubernetes:helm.sh/v3:Release", "vault-release").inputs.values as any).server.ha.raft.config;
    expect(config).not.toContain("seal");
    expect(existing.findResources("vault:index/mount:Mount")).toEqual([]);
  });
});
