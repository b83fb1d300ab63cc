import { standardLabels } from "../shared/labels";
import { AWS_CLI_IMAGE, SNAPSHOT, VAULT_ACTIVE_ADDR, VAULT_CA_SECRET, VAULT_CONFIG, VAULT_IMAGE } from "./defaults";

export interface SnapshotJobArgs {
  bucket: string;
  keyArn: string;
  region: string;
  /** @default SNAPSHOT.schedule */
  schedule?: string;
  /** @default VAULT_IMAGE.tag */
  vaultImageTag?: string;
}

/** Where the job's short-lived, audience-bound service account token is mounted. */
export const SNAPSHOT_TOKEN_PATH = "/var/run/secrets/vault/token";

/**
 * Logs in with the job's own Kubernetes-auth role, saves a snapshot from the leader, revokes its
 * token. No Vault token is ever stored: it lives in this shell's environment for one run.
 */
export function snapshotScript(): string {
  return [
    "set -eu",
    `export VAULT_TOKEN="$(vault write -field=token auth/${VAULT_CONFIG.kubernetesPath}/login role=${SNAPSHOT.role} jwt=@${SNAPSHOT_TOKEN_PATH})"`,
    `vault operator raft snapshot save "/backup/vault-$(date -u +%Y%m%dT%H%M%SZ).snap"`,
    "vault token revoke -self",
  ].join("\n");
}

const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 100,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};
const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/**
 * The CronJob spec: an init container (the Vault CLI) writes the snapshot into an emptyDir, the main
 * container (the AWS CLI, with the uploader's Pod Identity) copies it to S3 under SSE-KMS. The CA
 * used to verify the leader is the public half of the internal CA.
 */
export function buildSnapshotCronJobSpec(args: SnapshotJobArgs) {
  const mounts = [
    { name: "backup", mountPath: "/backup" },
    { name: "tmp", mountPath: "/tmp" },
  ];
  return {
    schedule: args.schedule ?? SNAPSHOT.schedule,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: 600,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    jobTemplate: {
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 1800,
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: { labels: standardLabels(SNAPSHOT.cronJob, "backup") },
          spec: {
            serviceAccountName: SNAPSHOT.serviceAccount,
            // The only token in the pod is the projected one below, bound to Vault's audience.
            automountServiceAccountToken: false,
            restartPolicy: "Never",
            securityContext: POD_SECURITY,
            initContainers: [
              {
                name: "snapshot",
                image: `${VAULT_IMAGE.repository}:${args.vaultImageTag ?? VAULT_IMAGE.tag}`,
                command: ["/bin/sh", "-c", snapshotScript()],
                env: [
                  { name: "VAULT_ADDR", value: VAULT_ACTIVE_ADDR },
                  { name: "VAULT_CACERT", value: "/vault/ca/ca.crt" },
                  { name: "HOME", value: "/tmp" },
                ],
                resources: SNAPSHOT.resources,
                securityContext: CONTAINER_SECURITY,
                volumeMounts: [
                  ...mounts,
                  { name: "vault-ca", mountPath: "/vault/ca", readOnly: true },
                  { name: "vault-token", mountPath: "/var/run/secrets/vault", readOnly: true },
                ],
              },
            ],
            containers: [
              {
                name: "upload",
                image: AWS_CLI_IMAGE,
                command: ["aws"],
                args: [
                  "s3", "cp", "/backup/", `s3://${args.bucket}/${SNAPSHOT.prefix}`,
                  "--recursive", "--no-progress",
                  "--sse", "aws:kms", "--sse-kms-key-id", args.keyArn,
                ],
                env: [
                  { name: "AWS_REGION", value: args.region },
                  { name: "HOME", value: "/tmp" },
                ],
                resources: SNAPSHOT.resources,
                securityContext: CONTAINER_SECURITY,
                volumeMounts: mounts,
              },
            ],
            volumes: [
              { name: "backup", emptyDir: { sizeLimit: "2Gi" } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              // Only ca.crt of the CA secret: the CA's private key is never mounted here.
              { name: "vault-ca", secret: { secretName: VAULT_CA_SECRET, items: [{ key: "ca.crt", path: "ca.crt" }] } },
              {
                name: "vault-token",
                projected: {
                  sources: [
                    {
                      serviceAccountToken: {
                        audience: VAULT_CONFIG.tokenAudience,
                        expirationSeconds: 600,
                        path: "token",
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    },
  };
}
