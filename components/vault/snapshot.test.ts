import { buildAgentAccess } from "./configuration";
import { AWS_CLI_IMAGE, VAULT_IMAGE } from "./defaults";
import {
  podIdentityTrustPolicy,
  snapshotBucketName,
  snapshotBucketPolicy,
  snapshotUploadPolicy,
  unsealKeyPolicy,
  vaultRoleName,
} from "./iam";
import { SNAPSHOT_TOKEN_PATH, buildSnapshotCronJobSpec, snapshotScript } from "./snapshot";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/vault";
const BUCKET_ARN = "arn:aws:s3:::prod-vault-snapshots-123456789012";

describe("vault snapshots and AWS identities", () => {
  const spec = buildSnapshotCronJobSpec({ bucket: "prod-vault-snapshots-123456789012", keyArn: KEY, region: "us-east-1" });
  const pod = spec.jobTemplate.spec.template.spec;

  it("SEC-07 the snapshot job logs in with its own role, saves a snapshot from the leader and uploads it to S3 under SSE-KMS", () => {
    expect(snapshotScript()).toBe(
      [
        "set -eu",
        `export VAULT_TOKEN="$(vault write -field=token auth/kubernetes/login role=raft-snapshot jwt=@${SNAPSHOT_TOKEN_PATH})"`,
        'vault operator raft snapshot save "/backup/vault-$(date -u +%Y%m%dT%H%M%SZ).snap"',
        "vault token revoke -self",
      ].join("\n"),
    );
    expect(spec).toMatchObject({ schedule: "17 */6 * * *", concurrencyPolicy: "Forbid" });
    const [snapshot] = pod.initContainers;
    expect(snapshot.image).toBe(`hashicorp/vault:${VAULT_IMAGE.tag}`);
    expect(snapshot.env).toContainEqual({ name: "VAULT_ADDR", value: "https://vault-active.vault.svc:8200" });
    expect(snapshot.command).toEqual(["/bin/sh", "-c", snapshotScript()]);
    const [upload] = pod.containers;
    expect(upload.image).toBe(AWS_CLI_IMAGE);
    expect(AWS_CLI_IMAGE).toMatch(/^amazon\/aws-cli:2\.\d+\.\d+$/);
    expect([upload.command, upload.args]).toEqual([
      ["aws"],
      ["s3", "cp", "/backup/", "s3://prod-vault-snapshots-123456789012/raft/", "--recursive", "--no-progress", "--sse", "aws:kms", "--sse-kms-key-id", KEY],
    ]);
    expect(pod.serviceAccountName).toBe("vault-snapshot");
    // The job's Vault identity is bound to a short-lived, audience-scoped token, not the default one.
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toContainEqual({
      name: "vault-token",
      projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "token" } }] },
    });
    expect(pod.volumes).toContainEqual({ name: "vault-ca", secret: { secretName: "vault-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } });
  });

  it("snapshot pods run as non-root, drop ALL, RuntimeDefault seccomp, no privilege escalation, with limits", () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(container.resources.limits).toEqual({ cpu: "500m", memory: "256Mi" });
    }
  });

  it("SEC-07 the uploader may only put objects under raft/ and use the key through S3", () => {
    expect(snapshotUploadPolicy({ bucketArn: BUCKET_ARN, prefix: "raft/", keyArn: KEY, region: "us-east-1" })).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "PutSnapshots", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${BUCKET_ARN}/raft/*` },
        {
          Sid: "EncryptSnapshots",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: KEY,
          Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        },
      ],
    });
    expect(snapshotBucketPolicy(BUCKET_ARN).Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("SEC-02 Vault's Pod Identity role may only encrypt, decrypt and describe with the unseal key", () => {
    const scope = { partition: "aws", region: "us-east-1", accountId: "123456789012", clusterName: "prod", namespace: "vault", serviceAccount: "vault" };
    expect(podIdentityTrustPolicy(scope)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: {
              "aws:SourceAccount": "123456789012",
              "aws:RequestTag/kubernetes-namespace": "vault",
              "aws:RequestTag/kubernetes-service-account": "vault",
            },
            ArnLike: { "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:podidentityassociation/prod/*" },
          },
        },
      ],
    });
    expect(unsealKeyPolicy(KEY)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "VaultAutoUnseal", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: KEY }],
    });
  });

  it("AWS names stay within S3 and IAM limits for any cluster name", () => {
    expect(snapshotBucketName("agent-platform-prod", "123456789012")).toBe("agent-platform-prod-vault-snapshots-123456789012");
    const long = `agent-platform-${"Very_Long-".repeat(9)}`;
    const bucket = snapshotBucketName(long, "123456789012");
    expect(bucket.length).toBeLessThanOrEqual(63);
    expect(bucket).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    expect(bucket.endsWith("-vault-snapshots-123456789012")).toBe(true);
    expect(vaultRoleName("agent-platform-prod", "unseal")).toBe("agent-platform-prod-vault-unseal");
    expect(vaultRoleName(long, "snapshot").length).toBeLessThanOrEqual(64);
  });

  it("agent roles are bound to one namespace and service account, with short-lived tokens", () => {
    expect(buildAgentAccess("acme", "tenant-acme", "agent")).toEqual({
      entity: { name: "agent-acme", metadata: { agent_id: "acme" }, policies: ["agent-self"] },
      alias: { name: "tenant-acme/agent" },
      role: {
        roleName: "agent-acme",
        boundServiceAccountNames: ["agent"],
        boundServiceAccountNamespaces: ["tenant-acme"],
        aliasNameSource: "serviceaccount_name",
        audience: "vault",
        tokenPolicies: ["agent-self"],
        tokenTtl: 900,
        tokenMaxTtl: 3600,
      },
    });
  });
});
