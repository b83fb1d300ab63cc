import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configOf, describe, forTypes, namespaceOf, selects } from "./k8s";

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

export const eksSecretsEncryption: ResourceValidationPolicy = {
  name: "eks-secrets-encryption",
  description: "SEC-01: the EKS cluster encrypts Kubernetes secrets with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([EKS_CLUSTER], (props, args, report) => {
    const config = props.encryptionConfig ?? {};
    if (!(config.resources ?? []).includes("secrets") || !config.provider?.keyArn) {
      report(`EKS cluster ${props.name ?? args.name} does not encrypt secrets with a KMS key: set encryptionConfig { resources: ["secrets"], provider.keyArn }.`);
    }
  }),
};

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "SEC-01: every symmetric customer-managed KMS key rotates automatically.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:kms/key:Key"], (props, args, report) => {
    const spec = props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable("AWS rotates only symmetric keys");
    if (props.enableKeyRotation !== true) report(`KMS key ${args.name} does not rotate: set enableKeyRotation: true.`);
  }),
};

const LOG_CONFIG = {
  properties: {
    requiredLogTypes: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["api", "audit", "authenticator"],
      description: "Control-plane log types the cluster must ship.",
    },
  },
};

export const eksAuditLogging: ResourceValidationPolicy = {
  name: "eks-audit-logging",
  description: "CLU-01: the EKS control plane ships its audit (and api, authenticator) logs.",
  enforcementLevel: "mandatory",
  configSchema: LOG_CONFIG,
  validateResource: forTypes([EKS_CLUSTER], (props, args, report) => {
    const { requiredLogTypes } = configOf<{ requiredLogTypes: string[] }>(LOG_CONFIG, args);
    const enabled: string[] = props.enabledClusterLogTypes ?? [];
    const missing = requiredLogTypes.filter((t) => !enabled.includes(t));
    if (missing.length > 0) report(`EKS cluster ${props.name ?? args.name} does not log ${missing.join(", ")}: add them to enabledClusterLogTypes.`);
  }),
};

/** Subjects that are workloads (or everyone), never a named human or admin group. */
function workloadSubject(subject: any): boolean {
  const name = String(subject?.name ?? "");
  return (
    subject?.kind === "ServiceAccount" ||
    (subject?.kind === "Group" && (name.startsWith("system:serviceaccounts") || name === "system:authenticated" || name === "system:unauthenticated"))
  );
}

export const noClusterAdminWorkloads: ResourceValidationPolicy = {
  name: "no-cluster-admin-workloads",
  description: "CLU-02: no service account (or everyone) is bound to cluster-admin.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(
    ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"],
    (props, _args, report) => {
      if (props.roleRef?.kind !== "ClusterRole" || props.roleRef?.name !== "cluster-admin") return;
      for (const subject of ((props.subjects ?? []) as any[]).filter(workloadSubject)) {
        const who = `${subject.kind} ${subject.namespace ? `${subject.namespace}/` : ""}${subject.name}`;
        report(`${describe(props)} grants cluster-admin to ${who}: bind a Role with only the verbs it needs.`);
      }
    },
  ),
};

const API_CONFIG = {
  properties: {
    name: { type: "string" as const, default: "platform-api", description: "Name of the platform API Deployment." },
    namespace: { type: "string" as const, default: "platform-api", description: "Its namespace." },
    minReplicas: { type: "number" as const, default: 3, description: "Replicas it must run." },
  },
};

/** Whether a budget keeps at least one pod up while allowing a voluntary disruption. */
function budgetHolds(spec: any, replicas: number): boolean {
  const within = (value: unknown, max: number) => {
    if (typeof value === "number") return value >= 1 && value < max;
    const percent = /^(\d+)%$/.exec(String(value ?? ""));
    return !!percent && Number(percent[1]) > 0 && Number(percent[1]) < 100;
  };
  if (spec?.maxUnavailable !== undefined) return within(spec.maxUnavailable, replicas);
  if (spec?.minAvailable !== undefined) return within(spec.minAvailable, replicas);
  return false;
}

export const platformApiAvailability: StackValidationPolicy = {
  name: "platform-api-availability",
  description: "CLU-04: the platform API runs at least three replicas and has a PodDisruptionBudget that keeps it up.",
  enforcementLevel: "mandatory",
  configSchema: API_CONFIG,
  validateStack: (args, report) => {
    const config = configOf<{ name: string; namespace: string; minReplicas: number }>(API_CONFIG, args);
    const api = args.resources.find(
      (r) => r.type === "kubernetes:apps/v1:Deployment" && r.props.metadata?.name === config.name && namespaceOf(r.props) === config.namespace,
    );
    if (!api) args.notApplicable("the stack does not declare the platform API");
    const replicas = Number(api!.props.spec?.replicas ?? 1);
    if (replicas < config.minReplicas) {
      report(`${describe(api!.props)} runs ${replicas} replica(s): set spec.replicas to at least ${config.minReplicas}.`, api!.urn);
    }
    const labels = api!.props.spec?.template?.metadata?.labels ?? {};
    const budget = args.resources.find(
      (r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget" && namespaceOf(r.props) === config.namespace && selects(r.props.spec?.selector, labels),
    );
    if (!budget) {
      report(`${describe(api!.props)} has no PodDisruptionBudget selecting its pods: declare one with maxUnavailable: 1.`, api!.urn);
    } else if (!budgetHolds(budget.props.spec, replicas)) {
      report(`${describe(budget.props)} either blocks every eviction or allows all pods down: use maxUnavailable: 1.`, budget.urn);
    }
  },
};

const PROTECT_CONFIG = {
  properties: {
    protectedTypes: {
      type: "array" as const,
      items: { type: "string" as const },
      default: [
        "aws:kms/key:Key",
        "aws:eks/cluster:Cluster",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:ebs/volume:Volume",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:dynamodb/table:Table",
        "vault:index/mount:Mount",
        "vault:transit/secretBackendKey:SecretBackendKey",
      ],
      description: "Resource types whose deletion loses data or keys; they must be declared with protect: true.",
    },
  },
};

export const statefulProtected: ResourceValidationPolicy = {
  name: "stateful-resources-protected",
  description: "SEC-07: stateful resources are protected against deletion, and Kubernetes volumes are retained when their owner goes.",
  enforcementLevel: "mandatory",
  configSchema: PROTECT_CONFIG,
  validateResource: [
    (args, report) => {
      const { protectedTypes } = configOf<{ protectedTypes: string[] }>(PROTECT_CONFIG, args);
      if (!protectedTypes.includes(args.type)) args.notApplicable("not a stateful type");
      if (!args.opts.protect) report(`${args.type} ${args.name} holds data or keys but is not protected: declare it with { protect: true }.`);
    },
    forTypes(["kubernetes:apps/v1:StatefulSet"], (props, _args, report) => {
      const policy = props.spec?.persistentVolumeClaimRetentionPolicy ?? {};
      if ((props.spec?.volumeClaimTemplates ?? []).length > 0 && (policy.whenDeleted === "Delete" || policy.whenScaled === "Delete")) {
        report(`${describe(props)} deletes its volumes with the StatefulSet: set persistentVolumeClaimRetentionPolicy to Retain.`);
      }
    }),
    forTypes([STORAGE_CLASS], (props, _args, report) => {
      // Kubernetes defaults reclaimPolicy to Delete: an unset policy loses the volume with its claim.
      if (props.reclaimPolicy !== "Retain") report(`${describe(props)} deletes volumes with their claims: set reclaimPolicy: Retain.`);
    }),
  ],
};

const EBS_PROVISIONERS = ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"];

export const volumesEncrypted: ResourceValidationPolicy = {
  name: "volumes-encrypted",
  description: "SEC-08: node disks, EBS volumes and EBS StorageClasses are encrypted.",
  enforcementLevel: "mandatory",
  validateResource: [
    forTypes(["aws:ec2/launchTemplate:LaunchTemplate"], (props, args, report) => {
      for (const mapping of (props.blockDeviceMappings ?? []) as any[]) {
        if (mapping?.ebs && String(mapping.ebs.encrypted) !== "true") {
          report(`Launch template ${args.name} leaves ${mapping.deviceName ?? "a volume"} unencrypted: set ebs.encrypted "true" with a kmsKeyId.`);
        }
      }
    }),
    forTypes(["aws:ebs/volume:Volume"], (props, args, report) => {
      if (props.encrypted !== true) report(`EBS volume ${args.name} is unencrypted: set encrypted: true with a kmsKeyId.`);
    }),
    forTypes(["aws:eks/nodeGroup:NodeGroup"], (props, args, report) => {
      // Without a launch template EKS builds the root volume itself, encrypted only if the account says so.
      if (!props.launchTemplate) report(`Node group ${args.name} has no launch template: give it one whose root volume is encrypted.`);
    }),
    forTypes([STORAGE_CLASS], (props, args, report) => {
      if (!EBS_PROVISIONERS.includes(props.provisioner)) args.notApplicable("not an EBS StorageClass");
      if (String(props.parameters?.encrypted) !== "true") report(`${describe(props)} provisions unencrypted volumes: set parameters.encrypted "true" and parameters.kmsKeyId.`);
    }),
  ],
};

export const CLUSTER_POLICIES = [
  eksSecretsEncryption,
  kmsKeyRotation,
  eksAuditLogging,
  noClusterAdminWorkloads,
  platformApiAvailability,
  statefulProtected,
  volumesEncrypted,
];
