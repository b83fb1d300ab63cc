import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterArgs } from "./args";
import { RUNTIME_CLASS_NAME, STORAGE_CLASS_NAME } from "./defaults";
import { declareEks } from "./eks";
import { flowLogsTrustPolicy } from "./iam";
import { AccountContext, declareKeys } from "./kms";
import { buildKubeconfig, buildRuntimeClass, buildStorageClass } from "./kubernetes";
import { declareFlowLogs } from "./network";
import { declareCertManagerIdentity } from "./podIdentity";

export interface ClusterKeyArns {
  secrets: pulumi.Output<string>;
  ebs: pulumi.Output<string>;
  logs: pulumi.Output<string>;
  vault: pulumi.Output<string>;
}

/** In eks mode: where other AWS components place their resources, and whom their key policies name. */
export interface ClusterAws {
  context: pulumi.Output<AccountContext>;
  vpcId: pulumi.Output<string>;
  privateSubnetIds: pulumi.Output<string[]>;
  /** The security group EKS creates and gives every node (and so every pod without its own groups). */
  clusterSecurityGroupId: pulumi.Output<string>;
}

/**
 * The AWS layer (VPC, KMS, EKS, node pools) and the Kubernetes provider the rest of the program
 * uses. In `existing` mode it declares no AWS resource and targets a kubeconfig context instead.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly mode: "eks" | "existing";
  readonly clusterName: pulumi.Output<string>;
  /** Present in eks mode, as a secret: how tenant shards reach the cluster. */
  readonly kubeconfig?: pulumi.Output<string>;
  /** Present in eks mode: the keys other components encrypt with. */
  readonly keyArns?: ClusterKeyArns;
  /** Present in eks mode: the account, VPC and cluster security group. */
  readonly aws?: ClusterAws;
  /** The default encrypted StorageClass; undefined on an existing cluster, whose own default applies. */
  readonly storageClassName?: string;
  readonly runtimeClassName = RUNTIME_CLASS_NAME;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:cluster:Cluster", name, {}, opts);
    const parent = { parent: this };
    this.mode = args.config.mode;

    if (args.config.mode === "existing") {
      this.clusterName = pulumi.output(args.config.kubeconfigContext!);
      this.provider = new k8s.Provider(`${name}-kubernetes`, { context: args.config.kubeconfigContext, enableServerSideApply: true }, parent);
    } else {
      const eksParts = this.declareAws(name, args);
      this.clusterName = eksParts.cluster.name;
      this.keyArns = eksParts.keyArns;
      this.aws = eksParts.aws;
      const kubeconfig = pulumi
        .all([eksParts.cluster.name, eksParts.cluster.endpoint, eksParts.cluster.certificateAuthority.data])
        .apply(([clusterName, endpoint, ca]) => buildKubeconfig(clusterName, endpoint, ca, args.region));
      this.kubeconfig = pulumi.secret(kubeconfig);
      this.provider = new k8s.Provider(
        `${name}-kubernetes`,
        { kubeconfig: this.kubeconfig, enableServerSideApply: true },
        { ...parent, dependsOn: [eksParts.systemNodes, ...eksParts.access] },
      );
      this.storageClassName = STORAGE_CLASS_NAME;
      new k8s.storage.v1.StorageClass(
        `${name}-storage-class`,
        buildStorageClass(eksParts.keyArns.ebs),
        { ...parent, provider: this.provider },
      );
    }
    new k8s.node.v1.RuntimeClass(`${name}-runtime-class`, buildRuntimeClass(), { ...parent, provider: this.provider });

    this.registerOutputs({ clusterName: this.clusterName, mode: this.mode, storageClassName: this.storageClassName });
  }

  private declareAws(name: string, args: ClusterArgs) {
    const parent = { parent: this };
    const { clusterName, config } = args;
    const controlPlaneLogGroupName = `/aws/eks/${clusterName}/cluster`;
    const flowLogGroupName = `/aws/vpc/${clusterName}/flow-logs`;

    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    // The deployer is configured (config/schema.ts requires it in eks mode): key policies and
    // access entries are the same whoever runs the preview.
    const deployerArn = config.deployerRoleArn!;
    const scope = pulumi.all([identity.accountId, partition]).apply(([accountId, part]) => ({ accountId, partition: part, region: args.region }));
    const context: pulumi.Output<AccountContext> = scope.apply((s) => ({ ...s, deployerArn, adminArns: config.adminRoleArns }));
    const keys = declareKeys(name, clusterName, context, [controlPlaneLogGroupName, flowLogGroupName], parent);

    const foundation = readFoundation(name, config.foundationStack!, clusterName, config.vpcCidr, parent);
    declareFlowLogs(
      name,
      {
        clusterName,
        vpcId: foundation.vpcId,
        logGroupName: flowLogGroupName,
        logsKeyArn: keys.logs.arn,
        trust: scope.apply((s) => JSON.stringify(flowLogsTrustPolicy(s))),
      },
      parent,
    );
    const eks = declareEks(
      name,
      {
        clusterName,
        config,
        scope,
        privateSubnetIds: foundation.privateSubnetIds,
        controlPlaneSecurityGroupIds: [foundation.controlPlaneAccessSecurityGroupId],
        keys,
        controlPlaneLogGroupName,
        runscFlags: args.runscFlags,
        sandboxNodeFiles: args.sandboxNodeFiles,
      },
      parent,
    );
    declareCertManagerIdentity(name, { clusterName: eks.cluster.name, scope, ...args.dns }, parent);
    const keyArns: ClusterKeyArns = { secrets: keys.secrets.arn, ebs: keys.ebs.arn, logs: keys.logs.arn, vault: keys.vault.arn };
    const clusterAws: ClusterAws = {
      context,
      vpcId: foundation.vpcId,
      privateSubnetIds: foundation.privateSubnetIds,
      clusterSecurityGroupId: eks.cluster.vpcConfig.clusterSecurityGroupId,
    };
    return { ...eks, keyArns, aws: clusterAws };
  }
}

/** Why a foundation stack cannot serve this cluster, or undefined when it can. */
export function foundationMismatch(stack: string, foundationCluster: string, clusterName: string): string | undefined {
  return foundationCluster === clusterName
    ? undefined
    : `agent-platform:cluster.foundationStack: ${stack} holds the network of cluster ${foundationCluster}, not ${clusterName}: set foundation.clusterName there to ${clusterName}`;
}

/** Why the platform's `cluster.vpcCidr` (which its NetworkPolicies name) is not the foundation's VPC. */
export function vpcMismatch(stack: string, foundationVpc: string, vpcCidr: string): string | undefined {
  return foundationVpc === vpcCidr
    ? undefined
    : `agent-platform:cluster.vpcCidr: must equal the VPC of ${stack}, ${foundationVpc}, which the NetworkPolicies name (got "${vpcCidr}")`;
}

/**
 * The network the foundation stack exports. Its subnets are tagged for one cluster name, so a
 * foundation built for another cluster fails the plan here instead of leaving the ingress load
 * balancer without subnets.
 */
function readFoundation(name: string, stack: string, clusterName: string, vpcCidr: string, opts: pulumi.CustomResourceOptions) {
  const foundation = new pulumi.StackReference(`${name}-foundation`, { name: stack }, opts);
  const privateSubnetIds = pulumi
    .all([foundation.requireOutput("clusterName"), foundation.requireOutput("vpcCidr"), foundation.requireOutput("privateSubnetIds")])
    .apply(([foundationCluster, foundationVpc, ids]) => {
      const mismatch = foundationMismatch(stack, foundationCluster, clusterName) ?? vpcMismatch(stack, foundationVpc, vpcCidr);
      if (mismatch) throw new Error(mismatch);
      return ids as string[];
    });
  return {
    vpcId: foundation.requireOutput("vpcId") as pulumi.Output<string>,
    privateSubnetIds,
    controlPlaneAccessSecurityGroupId: foundation.requireOutput("controlPlaneAccessSecurityGroupId") as pulumi.Output<string>,
  };
}
