import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterArgs } from "./args";
import { RUNTIME_CLASS_NAME, STORAGE_CLASS_NAME } from "./defaults";
import { declareEks } from "./eks";
import { assumeRolePolicy } from "./iam";
import { AccountContext, declareKeys } from "./kms";
import { buildKubeconfig, buildRuntimeClass, buildStorageClass } from "./kubernetes";
import { declareNetwork } from "./network";
import { declareCertManagerIdentity } from "./podIdentity";

export interface ClusterKeyArns {
  secrets: pulumi.Output<string>;
  ebs: pulumi.Output<string>;
  logs: pulumi.Output<string>;
  vault: pulumi.Output<string>;
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
      const kubeconfig = pulumi
        .all([eksParts.cluster.name, eksParts.cluster.endpoint, eksParts.cluster.certificateAuthority.data])
        .apply(([clusterName, endpoint, ca]) => buildKubeconfig(clusterName, endpoint, ca, args.region));
      this.kubeconfig = pulumi.secret(kubeconfig);
      this.provider = new k8s.Provider(
        `${name}-kubernetes`,
        { kubeconfig: this.kubeconfig, enableServerSideApply: true },
        { ...parent, dependsOn: [eksParts.systemNodes, ...eksParts.adminAccess] },
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
    const { clusterName } = args;
    const controlPlaneLogGroupName = `/aws/eks/${clusterName}/cluster`;
    const flowLogGroupName = `/aws/vpc/${clusterName}/flow-logs`;

    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    // Configured, the deployer role keeps key policies stable whoever previews; otherwise it is the
    // caller's role (an assumed-role session names its role as issuer).
    const deployerArn = args.config.deployerRoleArn
      ? pulumi.output(args.config.deployerRoleArn)
      : aws.iam.getSessionContextOutput({ arn: identity.arn }, parent).issuerArn;
    const context: pulumi.Output<AccountContext> = pulumi
      .all([identity.accountId, partition, deployerArn])
      .apply(([accountId, part, deployerArn]) => ({
        accountId,
        partition: part,
        region: args.region,
        deployerArn,
        adminArns: args.config.adminRoleArns,
      }));
    const keys = declareKeys(name, clusterName, context, [controlPlaneLogGroupName, flowLogGroupName], parent);

    const flowLogRole = new aws.iam.Role(
      `${name}-flow-logs`,
      { assumeRolePolicy: assumeRolePolicy("vpc-flow-logs.amazonaws.com"), description: `${clusterName} VPC flow logs` },
      parent,
    );
    const zones = aws
      .getAvailabilityZonesOutput({ state: "available" }, parent)
      .names.apply((names) => names.slice(0, args.config.availabilityZoneCount));
    const network = declareNetwork(
      name,
      {
        clusterName,
        vpcCidr: args.config.vpcCidr,
        zones,
        zoneCount: args.config.availabilityZoneCount,
        flowLogGroupName,
        logsKeyArn: keys.logs.arn,
        flowLogRoleArn: flowLogRole.arn,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: flowLogRole.name,
        policy: network.flowLogGroup.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                Resource: [arn, `${arn}:*`],
              },
            ],
          }),
        ),
      },
      parent,
    );
    const eks = declareEks(
      name,
      {
        clusterName,
        config: args.config,
        partition,
        privateSubnetIds: network.privateSubnetIds,
        keys,
        controlPlaneLogGroupName,
        runscFlags: args.runscFlags,
        sandboxNodeFiles: args.sandboxNodeFiles,
        deployerArn,
      },
      parent,
    );
    declareCertManagerIdentity(name, { clusterName: eks.cluster.name, partition, ...args.dns }, parent);
    const keyArns: ClusterKeyArns = { secrets: keys.secrets.arn, ebs: keys.ebs.arn, logs: keys.logs.arn, vault: keys.vault.arn };
    return { ...eks, keyArns };
  }
}
