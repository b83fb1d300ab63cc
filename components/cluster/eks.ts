import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../config/schema";
import {
  CONTROL_PLANE_LOG_TYPES,
  LOG_RETENTION_DAYS,
  NODE_AMI_TYPE,
  SANDBOX_NODE_LABEL,
  SANDBOX_NODE_VALUE,
  SYSTEM_NODE_LABEL,
} from "./defaults";
import { POD_IDENTITY_TRUST, assumeRolePolicy, roleWithPolicies } from "./iam";
import type { PlatformKeys } from "./kms";
import { type NodeFile, sandboxUserData } from "./userdata";

export interface EksArgs {
  clusterName: string;
  config: ClusterConfig;
  partition: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  keys: PlatformKeys;
  controlPlaneLogGroupName: string;
  /** Extra `[runsc_config]` flags for sandbox nodes. @default {} */
  runscFlags?: Record<string, string>;
  /** Files written on sandbox nodes before kubelet starts. @default [] */
  sandboxNodeFiles?: NodeFile[];
  /** The role `pulumi up` runs as: it needs the Kubernetes API to install everything else. */
  deployerArn: pulumi.Input<string>;
}

type NodePoolConfig = ClusterConfig["systemNodes"];

/** IMDSv2 only, and one hop: pods (one hop further) cannot reach the instance metadata service (NET-03). */
export const METADATA_OPTIONS = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 };

function launchTemplate(name: string, pool: NodePoolConfig, ebsKeyArn: pulumi.Input<string>, userData: string | undefined, opts: pulumi.CustomResourceOptions) {
  return new aws.ec2.LaunchTemplate(
    name,
    {
      metadataOptions: METADATA_OPTIONS,
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: pool.diskSizeGiB, volumeType: "gp3", encrypted: "true", kmsKeyId: ebsKeyArn, deleteOnTermination: "true" },
        },
      ],
      ...(userData ? { userData: Buffer.from(userData).toString("base64") } : {}),
      updateDefaultVersion: true,
    },
    opts,
  );
}

export interface Eks {
  cluster: aws.eks.Cluster;
  /** The Kubernetes provider waits for these: before them nobody may call the API. */
  adminAccess: aws.eks.AccessPolicyAssociation[];
  nodeRole: aws.iam.Role;
  systemNodes: aws.eks.NodeGroup;
  sandboxNodes: aws.eks.NodeGroup;
}

export function declareEks(name: string, args: EksArgs, opts: pulumi.CustomResourceOptions): Eks {
  const { config, keys, clusterName, partition } = args;
  const clusterRole = roleWithPolicies(
    `${name}-control-plane`,
    { trust: assumeRolePolicy("eks.amazonaws.com"), partition, policies: ["AmazonEKSClusterPolicy"], description: `${clusterName} EKS control plane` },
    opts,
  );
  // Created before the cluster so EKS writes into a group that is encrypted and expires (CLU-01).
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    { name: args.controlPlaneLogGroupName, retentionInDays: LOG_RETENTION_DAYS, kmsKeyId: keys.logs.arn },
    { ...opts, protect: true },
  );
  const publicAccess = config.publicAccessCidrs.length > 0;
  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: clusterName,
      version: config.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        ...(publicAccess ? { publicAccessCidrs: config.publicAccessCidrs } : {}),
      },
      encryptionConfig: { provider: { keyArn: keys.secrets.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      upgradePolicy: { supportType: "STANDARD" },
    },
    { ...opts, dependsOn: [logGroup], protect: true },
  );

  // Cluster admins through access entries only: the operators, and the deployer, which installs
  // every chart and object after the cluster exists. No workload gets cluster-admin.
  const admins = [
    ...config.adminRoleArns.map((arn, i) => ({ suffix: `admin-${i}`, arn: pulumi.output(arn) })),
    { suffix: "deployer", arn: pulumi.output(args.deployerArn) },
  ];
  const adminAccess = admins.map(({ suffix, arn }) => {
    const entry = new aws.eks.AccessEntry(`${name}-${suffix}`, { clusterName: cluster.name, principalArn: arn, type: "STANDARD" }, opts);
    return new aws.eks.AccessPolicyAssociation(
      `${name}-${suffix}`,
      {
        clusterName: cluster.name,
        principalArn: arn,
        policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: "cluster" },
      },
      { ...opts, dependsOn: [entry] },
    );
  });

  const nodeRole = roleWithPolicies(
    `${name}-nodes`,
    {
      trust: assumeRolePolicy("ec2.amazonaws.com"),
      partition,
      // No CNI policy here: the VPC CNI gets it through Pod Identity, so pods cannot borrow it from the node.
      policies: ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"],
      description: `${clusterName} worker nodes`,
    },
    opts,
  );

  const addonRole = (addon: string, policies: string[]) =>
    roleWithPolicies(`${name}-${addon}`, { trust: POD_IDENTITY_TRUST, partition, policies, description: `${clusterName} ${addon}` }, opts);
  const podIdentityAgent = new aws.eks.Addon(
    `${name}-eks-pod-identity-agent`,
    { clusterName: cluster.name, addonName: "eks-pod-identity-agent", resolveConflictsOnUpdate: "OVERWRITE" },
    opts,
  );
  const cniRole = addonRole("vpc-cni", ["AmazonEKS_CNI_Policy"]);
  new aws.eks.Addon(
    `${name}-vpc-cni`,
    {
      clusterName: cluster.name,
      addonName: "vpc-cni",
      podIdentityAssociations: [{ roleArn: cniRole.arn, serviceAccount: "aws-node" }],
      // Enforce Kubernetes NetworkPolicies in the VPC CNI's eBPF agent: tenant isolation relies on them.
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
      resolveConflictsOnUpdate: "OVERWRITE",
    },
    { ...opts, dependsOn: [podIdentityAgent] },
  );
  const ebsRole = addonRole("ebs-csi", ["service-role/AmazonEBSCSIDriverPolicy"]);
  new aws.iam.RolePolicy(
    `${name}-ebs-csi-kms`,
    {
      role: ebsRole.name,
      policy: keys.ebs.arn.apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource: arn, Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } },
            { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: arn },
          ],
        }),
      ),
    },
    opts,
  );

  const pool = (poolName: string, poolConfig: NodePoolConfig, extra: Partial<aws.eks.NodeGroupArgs>, userData?: string) => {
    const template = launchTemplate(`${name}-${poolName}`, poolConfig, keys.ebs.arn, userData, opts);
    return new aws.eks.NodeGroup(
      `${name}-${poolName}`,
      {
        clusterName: cluster.name,
        nodeRoleArn: nodeRole.arn,
        subnetIds: args.privateSubnetIds,
        amiType: NODE_AMI_TYPE,
        instanceTypes: poolConfig.instanceTypes,
        scalingConfig: { minSize: poolConfig.minSize, desiredSize: poolConfig.desiredSize, maxSize: poolConfig.maxSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        ...extra,
      },
      opts,
    );
  };
  const systemNodes = pool("system", config.systemNodes, { labels: { [SYSTEM_NODE_LABEL]: "system" } });
  const sandboxNodes = pool(
    "sandbox",
    config.sandboxNodes,
    {
      labels: { [SANDBOX_NODE_LABEL]: SANDBOX_NODE_VALUE },
      taints: [{ key: SANDBOX_NODE_LABEL, value: SANDBOX_NODE_VALUE, effect: "NO_SCHEDULE" }],
    },
    sandboxUserData({ gvisorVersion: config.gvisorVersion, runscFlags: args.runscFlags, files: args.sandboxNodeFiles }),
  );

  for (const addon of ["coredns", "kube-proxy"]) {
    new aws.eks.Addon(`${name}-${addon}`, { clusterName: cluster.name, addonName: addon, resolveConflictsOnUpdate: "OVERWRITE" }, { ...opts, dependsOn: [systemNodes] });
  }
  new aws.eks.Addon(
    `${name}-aws-ebs-csi-driver`,
    {
      clusterName: cluster.name,
      addonName: "aws-ebs-csi-driver",
      podIdentityAssociations: [{ roleArn: ebsRole.arn, serviceAccount: "ebs-csi-controller-sa" }],
      resolveConflictsOnUpdate: "OVERWRITE",
    },
    { ...opts, dependsOn: [systemNodes, podIdentityAgent] },
  );
  return { cluster, adminAccess, nodeRole, systemNodes, sandboxNodes };
}

