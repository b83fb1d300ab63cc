import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseIpv4Cidr } from "../../config/rules";
import { LOG_RETENTION_DAYS } from "./defaults";
import type { RegionZone } from "./zones";

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
  /** The zones, by ID, in the order their CIDR blocks are assigned (selectZones). */
  zones: RegionZone[];
}

export interface Network {
  vpc: aws.ec2.Vpc;
  privateSubnetIds: pulumi.Output<string>[];
  publicSubnetIds: pulumi.Output<string>[];
}

/**
 * A VPC across the zones: nodes only in private subnets, public subnets only for NAT and the
 * ingress load balancer, one NAT gateway per zone so losing a zone does not cut the others' egress.
 * Subnets are placed by zone ID (`availabilityZoneId`, which forces replacement like the name
 * would): the zone a subnet lands in is the one that was selected, in every account.
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

  const privateSubnetIds: pulumi.Output<string>[] = [];
  const publicSubnetIds: pulumi.Output<string>[] = [];
  planSubnets(
    args.vpcCidr,
    args.zones.map((z) => z.zoneId),
  ).forEach((plan, i) => {
    const publicSubnet = new aws.ec2.Subnet(
      `${name}-public-${i}`,
      {
        vpcId: vpc.id,
        cidrBlock: plan.publicCidr,
        availabilityZoneId: plan.zone,
        mapPublicIpOnLaunch: false,
        tags: { ...clusterTag, Name: `${args.clusterName}-public-${plan.zone}`, "kubernetes.io/role/elb": "1" },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { routeTableId: publicRoutes.id, subnetId: publicSubnet.id }, opts);
    const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${args.clusterName}-nat-${plan.zone}` } }, opts);
    const nat = new aws.ec2.NatGateway(
      `${name}-nat-${i}`,
      { allocationId: eip.id, subnetId: publicSubnet.id, tags: { Name: `${args.clusterName}-nat-${plan.zone}` } },
      opts,
    );
    const privateSubnet = new aws.ec2.Subnet(
      `${name}-private-${i}`,
      {
        vpcId: vpc.id,
        cidrBlock: plan.privateCidr,
        availabilityZoneId: plan.zone,
        mapPublicIpOnLaunch: false,
        tags: { ...clusterTag, Name: `${args.clusterName}-private-${plan.zone}`, "kubernetes.io/role/internal-elb": "1" },
      },
      opts,
    );
    const privateRoutes = new aws.ec2.RouteTable(
      `${name}-private-${i}`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: { Name: `${args.clusterName}-private-${plan.zone}` } },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { routeTableId: privateRoutes.id, subnetId: privateSubnet.id }, opts);
    privateSubnetIds.push(privateSubnet.id);
    publicSubnetIds.push(publicSubnet.id);
  });
  return { vpc, privateSubnetIds, publicSubnetIds };
}

export interface FlowLogArgs {
  clusterName: string;
  vpcId: pulumi.Input<string>;
  logGroupName: string;
  logsKeyArn: pulumi.Input<string>;
  /** The VPC Flow Logs role's trust policy (flowLogsTrustPolicy). */
  trust: pulumi.Input<string>;
}

/**
 * Flow logs of all traffic into an encrypted log group that outlives a destroy. Declared by the
 * platform stack, next to the logs key, for the VPC its foundation stack owns.
 */
export function declareFlowLogs(name: string, args: FlowLogArgs, opts: pulumi.CustomResourceOptions): aws.cloudwatch.LogGroup {
  const role = new aws.iam.Role(`${name}-flow-logs`, { assumeRolePolicy: args.trust, description: `${args.clusterName} VPC flow logs` }, opts);
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    { name: args.logGroupName, retentionInDays: LOG_RETENTION_DAYS, kmsKeyId: args.logsKeyArn },
    { ...opts, protect: true },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-flow-logs`,
    {
      role: role.name,
      policy: logGroup.arn.apply((arn) =>
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
    opts,
  );
  new aws.ec2.FlowLog(
    `${name}-flow-log`,
    {
      vpcId: args.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    },
    { ...opts, dependsOn: [policy] },
  );
  return logGroup;
}
