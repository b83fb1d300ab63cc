import { agent, agentManifest, messages, resource } from "../fixtures";
import { eksAuditLogging, eksSecretsEncryption, kmsKeyRotation, noClusterAdminWorkloads, platformApiAvailability, statefulProtected, volumesEncrypted } from "./cluster";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/k";

function eks(inputs: any, protect = true) {
  return resource("aws:eks/cluster:Cluster", { name: "agent-platform-prod", ...inputs }, { protect }, "cluster-eks");
}

const ENCRYPTED = { encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY_ARN } } };
const LOGGED = { enabledClusterLogTypes: ["api", "audit", "authenticator", "scheduler"] };

function apiDeployment(replicas: number) {
  return resource("kubernetes:apps/v1:Deployment", {
    kind: "Deployment",
    metadata: { name: "platform-api", namespace: "platform-api" },
    spec: { replicas, template: { metadata: { labels: { app: "platform-api" } } } },
  });
}

function budget(spec: any) {
  return resource("kubernetes:policy/v1:PodDisruptionBudget", {
    kind: "PodDisruptionBudget",
    metadata: { name: "platform-api", namespace: "platform-api" },
    spec: { selector: { matchLabels: { app: "platform-api" } }, ...spec },
  });
}

function storageClass(inputs: any) {
  return resource("kubernetes:storage.k8s.io/v1:StorageClass", { kind: "StorageClass", metadata: { name: "gp3" }, provisioner: "ebs.csi.aws.com", ...inputs });
}

describe("cluster policies", () => {
  it("SEC-01 requires EKS to encrypt secrets with a customer-managed KMS key", () => {
    expect(messages(eksSecretsEncryption, [eks(ENCRYPTED)])).toEqual([]);
    expect(messages(eksSecretsEncryption, [eks({}), eks({ encryptionConfig: { resources: ["configmaps"], provider: { keyArn: KEY_ARN } } })])).toEqual([
      'EKS cluster agent-platform-prod does not encrypt secrets with a KMS key: set encryptionConfig { resources: ["secrets"], provider.keyArn }.',
      'EKS cluster agent-platform-prod does not encrypt secrets with a KMS key: set encryptionConfig { resources: ["secrets"], provider.keyArn }.',
    ]);
  });

  it("SEC-01 requires automatic rotation of every symmetric KMS key", () => {
    const key = (inputs: any) => resource("aws:kms/key:Key", inputs, { protect: true }, "cluster-secrets");
    expect(messages(kmsKeyRotation, [key({ enableKeyRotation: true }), key({ customerMasterKeySpec: "RSA_2048" })])).toEqual([]);
    expect(messages(kmsKeyRotation, [key({ customerMasterKeySpec: "SYMMETRIC_DEFAULT" })])).toEqual([
      "KMS key cluster-secrets does not rotate: set enableKeyRotation: true.",
    ]);
  });

  it("CLU-01 requires the EKS control plane to ship audit, api and authenticator logs", () => {
    expect(messages(eksAuditLogging, [eks(LOGGED)])).toEqual([]);
    expect(messages(eksAuditLogging, [eks({ enabledClusterLogTypes: ["api"] })])).toEqual([
      "EKS cluster agent-platform-prod does not log audit, authenticator: add them to enabledClusterLogTypes.",
    ]);
  });

  it("CLU-02 refuses cluster-admin for service accounts and everyone", () => {
    const binding = (roleName: string, subjects: any[]) =>
      resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", {
        kind: "ClusterRoleBinding",
        metadata: { name: "b" },
        roleRef: { kind: "ClusterRole", name: roleName },
        subjects,
      });
    const admins = binding("cluster-admin", [{ kind: "Group", name: "platform-admins" }]);
    expect(messages(noClusterAdminWorkloads, [admins, binding("view", [{ kind: "ServiceAccount", name: "x", namespace: "y" }])])).toEqual([]);
    const workloads = binding("cluster-admin", [{ kind: "ServiceAccount", name: "agent", namespace: "tenant-acme" }, { kind: "Group", name: "system:serviceaccounts" }]);
    expect(messages(noClusterAdminWorkloads, [workloads])).toEqual([
      "ClusterRoleBinding b grants cluster-admin to ServiceAccount tenant-acme/agent: bind a Role with only the verbs it needs.",
      "ClusterRoleBinding b grants cluster-admin to Group system:serviceaccounts: bind a Role with only the verbs it needs.",
    ]);
  });

  it("CLU-04 requires three platform API replicas and a disruption budget that keeps it up", () => {
    expect(messages(platformApiAvailability, [apiDeployment(3), budget({ maxUnavailable: 1 })])).toEqual([]);
    expect(messages(platformApiAvailability, [apiDeployment(3), budget({ minAvailable: "50%" })])).toEqual([]);
    expect(messages(platformApiAvailability, [])).toEqual([]);
    expect(messages(platformApiAvailability, [apiDeployment(2)])).toEqual([
      "Deployment platform-api/platform-api runs 2 replica(s): set spec.replicas to at least 3.",
      "Deployment platform-api/platform-api has no PodDisruptionBudget selecting its pods: declare one with maxUnavailable: 1.",
    ]);
    expect(messages(platformApiAvailability, [apiDeployment(3), budget({ minAvailable: 3 })])).toEqual([
      "PodDisruptionBudget platform-api/platform-api either blocks every eviction or allows all pods down: use maxUnavailable: 1.",
    ]);
  });

  it("SEC-07 requires stateful resources to be protected and Kubernetes volumes to be retained", () => {
    const bucket = (protect: boolean) => resource("aws:s3/bucket:Bucket", { bucket: "snapshots" }, { protect }, "vault-snapshots");
    expect(messages(statefulProtected, [eks(ENCRYPTED), bucket(true), agent(), storageClass({ reclaimPolicy: "Retain" })])).toEqual([]);
    const deleting = agentManifest();
    deleting.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" };
    expect(messages(statefulProtected, [eks(ENCRYPTED, false), bucket(false), agent(deleting), storageClass({})])).toEqual([
      "aws:eks/cluster:Cluster cluster-eks holds data or keys but is not protected: declare it with { protect: true }.",
      "aws:s3/bucket:Bucket vault-snapshots holds data or keys but is not protected: declare it with { protect: true }.",
      "StatefulSet tenant-acme/agent deletes its volumes with the StatefulSet: set persistentVolumeClaimRetentionPolicy to Retain.",
      "StorageClass gp3 deletes volumes with their claims: set reclaimPolicy: Retain.",
    ]);
  });

  it("SEC-08 requires node disks, EBS volumes and EBS StorageClasses to be encrypted", () => {
    const template = (encrypted: string) =>
      resource("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted, kmsKeyId: KEY_ARN } }] }, {}, "cluster-system");
    const nodeGroup = (launchTemplate?: any) => resource("aws:eks/nodeGroup:NodeGroup", { launchTemplate }, {}, "cluster-system");
    const compliant = [template("true"), nodeGroup({ id: "lt", version: "1" }), storageClass({ parameters: { encrypted: "true", kmsKeyId: KEY_ARN } })];
    const efs = resource("kubernetes:storage.k8s.io/v1:StorageClass", { kind: "StorageClass", metadata: { name: "efs" }, provisioner: "efs.csi.aws.com" });
    expect(messages(volumesEncrypted, [...compliant, efs])).toEqual([]);
    const volume = resource("aws:ebs/volume:Volume", { size: 10 }, {}, "scratch");
    expect(messages(volumesEncrypted, [template("false"), volume, nodeGroup(), storageClass({ parameters: { type: "gp3" } })])).toEqual([
      'Launch template cluster-system leaves /dev/xvda unencrypted: set ebs.encrypted "true" with a kmsKeyId.',
      "EBS volume scratch is unencrypted: set encrypted: true with a kmsKeyId.",
      "Node group cluster-system has no launch template: give it one whose root volume is encrypted.",
      'StorageClass gp3 provisions unencrypted volumes: set parameters.encrypted "true" and parameters.kmsKeyId.',
    ]);
  });
});
