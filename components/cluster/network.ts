import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseIpv4Cidr } from "../../config/rules";
import { LOG_RETENTION_DAYS } from "./defaults";

export interface SubnetPlan {
  zone: string;
  privateCidr: string;
  publicCidr: string;
}

function formatCidr(address: number, prefix: number): string {
  return `${[24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".")}/${prefix}`;
}

/**
 * Splits the VPC into eight equal blocks: one private block per zone (nodes and pods live there,
 * so they get almost all addresses), and the last block cut into eight small public subnets that
 * hold only NAT gateways and the ingress load balancer.
 */
export function planSubnets(vpcCidr: string, zones: string[]): SubnetPlan[] {
  const vpc = parseIpv4Cidr(vpcCidr);
  if (!vpc) throw new Error(`planSubnets: ${vpcCidr} is not a CIDR block`);
  if (zones.length > 7) throw new Error("planSubnets: at most 7 zones fit the layout");
  const privatePrefix = vpc.prefix + 3;
  const blockSize = 2 ** (32 - privatePrefix);
  const publicBlock = vpc.address + 7 * blockSize;
  const publicPrefix = privatePrefix + 3;
  const publicSize = 2 ** (32 - publicPrefix);
  return zones.map((zone, i) => ({
    zone,
    privateCidr: formatCidr(vpc.address + i * blockSize, privatePrefix),
    publicCidr: formatCidr(publicBlock + i * publicSize, publicPrefix),
  }));
}

export interface NetworkArgs {
  clusterName: string;
  vpcCidr: string;
  zones: pulumi.Input<string[]>;
  zoneCount: number;
  flowLogGroupName: string;
  logsKeyArn: pulumi.Input<string>;
  flowLogRoleArn: pulumi.Input<string>;
}

export interface Network {
  vpc: aws.ec2.Vpc;
  privateSubnetIds: pulumi.Output<string>[];
  publicSubnetIds: pulumi.Output<string>[];
  flowLogGroup: aws.cloudwatch.LogGroup;
}

/**
 * A VPC across the zones: nodes only in private subnets, public subnets only for NAT and the
 * ingress load balancer, one NAT gateway per zone so losing a zone does not cut the others' egress,
 * and flow logs of all traffic into an encrypted log group.
 */
export function declareNetwork(name: string, args: NetworkArgs, opts: pulumi.CustomResourceOptions): Network {
  const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: args.clusterName } },
    opts,
  );
  const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: args.clusterName } }, opts);
  const publicRoutes = new aws.ec2.RouteTable(
    `${name}-public`,
    { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${args.clusterName}-public` } },
    opts,
  );

  const zones = pulumi.output(args.zones);
  const privateSubnetIds: pulumi.Output<string>[] = [];
  const publicSubnetIds: pulumi.Output<string>[] = [];
  const placeholderZones = Array.from({ length: args.zoneCount }, (_, i) => `zone-${i}`);
  planSubnets(args.vpcCidr, placeholderZones).forEach((plan, i) => {
    const zone = zones.apply((z) => z[i]);
    const publicSubnet = new aws.ec2.Subnet(
      `${name}-public-${i}`,
      {
        vpcId: vpc.id,
        cidrBlock: plan.publicCidr,
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
        tags: { ...clusterTag, Name: `${args.clusterName}-public-${i}`, "kubernetes.io/role/elb": "1" },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { routeTableId: publicRoutes.id, subnetId: publicSubnet.id }, opts);
    const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${args.clusterName}-nat-${i}` } }, opts);
    const nat = new aws.ec2.NatGateway(
      `${name}-nat-${i}`,
      { allocationId: eip.id, subnetId: publicSubnet.id, tags: { Name: `${args.clusterName}-nat-${i}` } },
      opts,
    );
    const privateSubnet = new aws.ec2.Subnet(
      `${name}-private-${i}`,
      {
        vpcId: vpc.id,
        cidrBlock: plan.privateCidr,
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
        tags: { ...clusterTag, Name: `${args.clusterName}-private-${i}`, "kubernetes.io/role/internal-elb": "1" },
      },
      opts,
    );
    const privateRoutes = new aws.ec2.RouteTable(
      `${name}-private-${i}`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: { Name: `${args.clusterName}-private-${i}` } },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { routeTableId: privateRoutes.id, subnetId: privateSubnet.id }, opts);
    privateSubnetIds.push(privateSubnet.id);
    publicSubnetIds.push(publicSubnet.id);
  });

  const flowLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    { name: args.flowLogGroupName, retentionInDays: LOG_RETENTION_DAYS, kmsKeyId: args.logsKeyArn },
    { ...opts, protect: true },
  );
  new aws.ec2.FlowLog(
    `${name}-flow-log`,
    {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: args.flowLogRoleArn,
      maxAggregationInterval: 60,
    },
    opts,
  );
  return { vpc, privateSubnetIds, publicSubnetIds, flowLogGroup };
}
