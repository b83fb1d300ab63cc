import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { FoundationConfig } from "../../config/schema";
import { declareNetwork } from "./network";
import { declareRunner, runnerLabel } from "./runner";
import type { RegionZone } from "./zones";

export interface FoundationArgs {
  config: FoundationConfig["foundation"];
  region: string;
  /** Chosen before anything is declared (selectZones), so a bad zone fails the preview with nothing planned. */
  zones: RegionZone[];
}

/** What the platform stack reads through its StackReference (`cluster.foundationStack`). */
export interface FoundationOutputs {
  clusterName: string;
  vpcId: pulumi.Output<string>;
  vpcCidr: string;
  zoneIds: string[];
  privateSubnetIds: pulumi.Output<string>[];
  publicSubnetIds: pulumi.Output<string>[];
  controlPlaneAccessSecurityGroupId: pulumi.Output<string>;
  runnerProject: string;
  runnerLabel: string;
}

/**
 * The foundation stack: the VPC and the deploy runner inside it. Only AWS APIs, no Kubernetes,
 * so its `up` works from a GitHub-hosted runner on an empty account; the platform stack, which
 * does talk to Kubernetes, then runs on the runner it creates (docs/decisions/delivery.md).
 * Nothing here holds data: keys, log groups of the cluster and the cluster itself live in the
 * platform stack.
 */
export class Foundation extends pulumi.ComponentResource {
  readonly outputs: FoundationOutputs;

  constructor(name: string, args: FoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:cluster:Foundation", name, {}, opts);
    const parent = { parent: this };
    const { config } = args;
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const scope = pulumi.all([identity.accountId, partition]).apply(([accountId, part]) => ({ accountId, partition: part, region: args.region }));

    const network = declareNetwork(name, { clusterName: config.clusterName, vpcCidr: config.vpcCidr, zones: args.zones }, parent);
    const runner = declareRunner(
      name,
      {
        clusterName: config.clusterName,
        scope,
        vpcId: network.vpc.id,
        privateSubnetIds: network.privateSubnetIds,
        repository: config.runner.repository,
        connectionArn: config.runner.connectionArn,
        computeType: config.runner.computeType,
        image: config.runner.image,
      },
      parent,
    );
    this.outputs = {
      clusterName: config.clusterName,
      vpcId: network.vpc.id,
      vpcCidr: config.vpcCidr,
      zoneIds: args.zones.map((z) => z.zoneId),
      privateSubnetIds: network.privateSubnetIds,
      publicSubnetIds: network.publicSubnetIds,
      controlPlaneAccessSecurityGroupId: runner.controlPlaneAccess.id,
      runnerProject: runner.projectName,
      runnerLabel: runnerLabel(runner.projectName),
    };
    this.registerOutputs({ ...this.outputs });
  }
}
