import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../config/schema";
import { clusterAccessGrants } from "./access";
import { AddonName, VPC_CNI_CONFIGURATION, addonSettings } from "./addons";
import {
  CONTROL_PLANE_LOG_TYPES,
  LOG_RETENTION_DAYS,
  NODE_AMI_TYPE,
  SANDBOX_NODE_LABEL,
  SANDBOX_NODE_VALUE,
  SYSTEM_NODE_LABEL,
} from "./defaults";
import { PodIdentityScope, assumeRolePolicy, podIdentityTrustPolicy, roleWithPolicies } from "./iam";
import type { PlatformKeys } from "./kms";
import { type NodeFile, sandboxUserData } from "./userdata";

export interface EksArgs {
  clusterName: string;
  config: ClusterConfig;
  /** Account, partition and region: Pod Identity trust policies are scoped to this cluster. */
  scope: pulumi.Output<Omit<PodIdentityScope, "clusterName" | "namespace" | "serviceAccount">>;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Extra security groups of the control-plane ENIs: the foundation's runner access. */
  controlPlaneSecurityGroupIds: pulumi.Input<string>[];
  keys: PlatformKeys;
  controlPlaneLogGroupName: string;
  /** Extra `[runsc_config]` flags for sandbox nodes. @default {} */
  runscFlags?: Record<string, string>;
  /** Files written on sandbox nodes before kubelet starts. @default [] */
  sandboxNodeFiles?: NodeFile[];
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
  access: aws.eks.AccessPolicyAssociation[];
  nodeRole: aws.iam.Role;
  systemNodes: aws.eks.NodeGroup;
  sandboxNodes: aws.eks.NodeGroup;
  addons: Record<AddonName, aws.eks.Addon>;
}

export function declareEks(name: string, args: EksArgs, opts: pulumi.CustomResourceOptions): Eks {
  const { config, keys, clusterName } = args;
  const partition = args.scope.partition;
  const version = config.kubernetesVersion;
  const clusterRole = roleWithPolicies(
    `${name}-control-plane`,
    { trust: assumeRolePolicy("eks.amazonaws.com"), partition, policies: ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"], description: `${clusterName} EKS control plane` },
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
      version,
      roleArn: clusterRole.role.arn,
      vpcConfig: {
        subnetIds: args.privateSubnetIds,
        securityGroupIds: args.controlPlaneSecurityGroupIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        ...(publicAccess ? { publicAccessCidrs: config.publicAccessCidrs } : {}),
      },
      encryptionConfig: { provider: { keyArn: keys.secrets.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      // Decided once, at creation (it forces replacement): EKS installs no self-managed aws-node,
      // kube-proxy or CoreDNS, so the add-ons below are the only copies and nothing has to be
      // adopted (terraform-provider-aws eks/cluster.go: bootstrap_self_managed_addons ForceNew).
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: "STANDARD" },
    },
    { ...opts, dependsOn: [logGroup, ...clusterRole.attachments], protect: true },
  );

  // One access entry per principal (components/cluster/access.ts): operators and the deployer as
  // cluster admins, the preview role read-only. No workload gets cluster-admin.
  const access = clusterAccessGrants({
    adminRoleArns: config.adminRoleArns,
    deployerRoleArn: config.deployerRoleArn!,
    previewRoleArn: config.previewRoleArn,
  }).map((grant) => {
    const entry = new aws.eks.AccessEntry(`${name}-access-${grant.key}`, { clusterName: cluster.name, principalArn: grant.principalArn, type: "STANDARD" }, opts);
    return new aws.eks.AccessPolicyAssociation(
      `${name}-access-${grant.key}`,
      {
        clusterName: cluster.name,
        principalArn: grant.principalArn,
        policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${grant.policy}`,
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

  const podIdentityRole = (addon: string, namespace: string, serviceAccount: string, policies: string[]) =>
    roleWithPolicies(
      `${name}-${addon}`,
      {
        trust: args.scope.apply((s) => JSON.stringify(podIdentityTrustPolicy({ ...s, clusterName, namespace, serviceAccount }))),
        partition,
        policies,
        description: `${clusterName} ${addon}`,
      },
      opts,
    );
  const addon = (addonName: AddonName, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) =>
    new aws.eks.Addon(`${name}-${addonName}`, { clusterName: cluster.name, ...addonSettings(addonName, version), ...extra }, { ...opts, dependsOn });

  // Nodes need these three before they can be Ready: credentials for the CNI, the CNI itself, and
  // kube-proxy, through which aws-node reaches the API server's Service address.
  const podIdentityAgent = addon("eks-pod-identity-agent", {}, []);
  const cniRole = podIdentityRole("vpc-cni", "kube-system", "aws-node", ["AmazonEKS_CNI_Policy"]);
  const vpcCni = addon(
    "vpc-cni",
    { podIdentityAssociations: [{ roleArn: cniRole.role.arn, serviceAccount: "aws-node" }], configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) },
    [podIdentityAgent, ...cniRole.attachments],
  );
  const kubeProxy = addon("kube-proxy", {}, []);
  const ebsRole = podIdentityRole("ebs-csi", "kube-system", "ebs-csi-controller-sa", ["service-role/AmazonEBSCSIDriverPolicy"]);
  const ebsKmsPolicy = new aws.iam.RolePolicy(
    `${name}-ebs-csi-kms`,
    {
      role: ebsRole.role.name,
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

  // Node groups carry the cluster's version, so a bump rolls them after the control plane, and wait
  // for the node role's policies (CreateNodegroup is not retried on a missing policy) and the
  // networking add-ons; on delete they go first, while the role and the CNI still work.
  const nodeDependencies = [podIdentityAgent, vpcCni, kubeProxy, ...nodeRole.attachments];
  const pool = (poolName: string, poolConfig: NodePoolConfig, extra: Partial<aws.eks.NodeGroupArgs>, userData?: string) => {
    const template = launchTemplate(`${name}-${poolName}`, poolConfig, keys.ebs.arn, userData, opts);
    return new aws.eks.NodeGroup(
      `${name}-${poolName}`,
      {
        clusterName: cluster.name,
        version,
        nodeRoleArn: nodeRole.role.arn,
        subnetIds: args.privateSubnetIds,
        amiType: NODE_AMI_TYPE,
        instanceTypes: poolConfig.instanceTypes,
        scalingConfig: { minSize: poolConfig.minSize, desiredSize: poolConfig.desiredSize, maxSize: poolConfig.maxSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        ...extra,
      },
      { ...opts, dependsOn: nodeDependencies },
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
    sandboxUserData({ gvisorVersion: config.gvisorVersion, gvisorSha512: config.gvisorSha512, runscFlags: args.runscFlags, files: args.sandboxNodeFiles }),
  );

  // Deployments: they need nodes to become ACTIVE.
  const coredns = addon("coredns", {}, [systemNodes]);
  const ebsCsi = addon(
    "aws-ebs-csi-driver",
    { podIdentityAssociations: [{ roleArn: ebsRole.role.arn, serviceAccount: "ebs-csi-controller-sa" }] },
    [systemNodes, podIdentityAgent, ebsKmsPolicy, ...ebsRole.attachments],
  );
  return {
    cluster,
    access,
    nodeRole: nodeRole.role,
    systemNodes,
    sandboxNodes,
    addons: { "eks-pod-identity-agent": podIdentityAgent, "vpc-cni": vpcCni, "kube-proxy": kubeProxy, coredns, "aws-ebs-csi-driver": ebsCsi },
  };
}
