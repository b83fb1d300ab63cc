/**
 * The deploy runner: a CodeBuild-hosted GitHub Actions runner in the VPC's private subnets, so the
 * jobs that talk to Kubernetes reach the cluster's private endpoint, and nothing else needs to.
 * It is declared by the foundation stack, whose AWS-only `up` runs on a GitHub-hosted runner
 * (docs/decisions/delivery.md).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "./defaults";
import { TrustPolicy, serviceTrustPolicy } from "./iam";

export interface AccountScope {
  partition: string;
  region: string;
  accountId: string;
}

/** The workflows whose jobs may run on the runner; every other workflow job is ignored. */
export const RUNNER_WORKFLOWS = ["deploy", "preview"] as const;

export function runnerProjectName(clusterName: string): string {
  return `${clusterName}-deploy`.slice(0, 150);
}

/**
 * The `runs-on` label a workflow job uses to get a fresh runner of the project (CodeBuild user
 * guide, "Label overrides supported with the CodeBuild-hosted GitHub Actions runner").
 */
export function runnerLabel(projectName: string): string {
  return `codebuild-${projectName}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
}

/**
 * CodeBuild assumes the service role for this project only (CodeBuild user guide, cross-service
 * confused deputy prevention: aws:SourceAccount and aws:SourceArn of the project).
 */
export function runnerTrustPolicy(scope: AccountScope, projectName: string): TrustPolicy {
  return serviceTrustPolicy("codebuild.amazonaws.com", ["sts:AssumeRole"], {
    StringEquals: {
      "aws:SourceAccount": scope.accountId,
      "aws:SourceArn": `arn:${scope.partition}:codebuild:${scope.region}:${scope.accountId}:project/${projectName}`,
    },
  });
}

/**
 * What the runner itself may do, and nothing more: every build has these credentials (the
 * container credentials endpoint), whatever job it runs. It writes its own logs, manages the
 * network interfaces CodeBuild creates for a VPC build in its subnets (CodeBuild user guide,
 * "Allow CodeBuild access to AWS services required to create a VPC network interface"), and reads
 * the GitHub connection. Jobs reach AWS through OIDC roles of their own, never through this one.
 */
export function runnerServicePolicy(args: { scope: AccountScope; logGroupArn: string; connectionArn: string; subnetArns: string[] }) {
  const { partition, region, accountId } = args.scope;
  const connectionService = args.connectionArn.split(":")[2];
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "RunnerLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [args.logGroupArn, `${args.logGroupArn}:*`] },
      {
        Sid: "VpcBuildInterfaces",
        Effect: "Allow",
        Action: [
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeDhcpOptions",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets",
          "ec2:DescribeVpcs",
        ],
        Resource: "*",
      },
      {
        Sid: "VpcBuildInterfacePermission",
        Effect: "Allow",
        Action: ["ec2:CreateNetworkInterfacePermission"],
        Resource: `arn:${partition}:ec2:${region}:${accountId}:network-interface/*`,
        Condition: { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" }, ArnEquals: { "ec2:Subnet": args.subnetArns } },
      },
      { Sid: "GithubConnection", Effect: "Allow", Action: [`${connectionService}:GetConnection`, `${connectionService}:GetConnectionToken`], Resource: args.connectionArn },
    ],
  };
}

/** One filter group: a queued workflow job of one of RUNNER_WORKFLOWS (filters in a group are ANDed). */
export function runnerWebhookFilters(): aws.types.input.codebuild.WebhookFilterGroup[] {
  return [
    {
      filters: [
        { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
        { type: "WORKFLOW_NAME", pattern: `^(${RUNNER_WORKFLOWS.join("|")})$` },
      ],
    },
  ];
}

export interface RunnerArgs {
  clusterName: string;
  scope: pulumi.Input<AccountScope>;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  repository: string;
  connectionArn: string;
  computeType: string;
  image: string;
}

export interface Runner {
  projectName: string;
  /** Attached to the cluster's control-plane ENIs: HTTPS from the runner, nothing else. */
  controlPlaneAccess: aws.ec2.SecurityGroup;
  project: aws.codebuild.Project;
}

export function declareRunner(name: string, args: RunnerArgs, opts: pulumi.CustomResourceOptions): Runner {
  const projectName = runnerProjectName(args.clusterName);
  const runnerGroup = new aws.ec2.SecurityGroup(
    `${name}-runner`,
    {
      vpcId: args.vpcId,
      description: `${projectName}: deploy runner (outbound only)`,
      // GitHub, the npm and Helm registries, Pulumi Cloud and the AWS APIs, through the NAT gateways.
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "outbound through NAT" }],
      tags: { Name: `${projectName}-runner` },
    },
    opts,
  );
  const controlPlaneAccess = new aws.ec2.SecurityGroup(
    `${name}-control-plane-access`,
    {
      vpcId: args.vpcId,
      description: `${args.clusterName}: Kubernetes API from the deploy runner`,
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [runnerGroup.id], description: "kube-apiserver from the runner" }],
      tags: { Name: `${args.clusterName}-control-plane-access` },
    },
    opts,
  );
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-runner-logs`,
    { name: `/aws/codebuild/${projectName}`, retentionInDays: LOG_RETENTION_DAYS },
    { ...opts, protect: true },
  );
  const scope = pulumi.output(args.scope);
  const role = new aws.iam.Role(
    `${name}-runner`,
    { assumeRolePolicy: scope.apply((s) => JSON.stringify(runnerTrustPolicy(s, projectName))), description: `${projectName} CodeBuild runner` },
    opts,
  );
  const subnetArns = pulumi
    .all([scope, pulumi.all(args.privateSubnetIds)])
    .apply(([s, ids]) => ids.map((id) => `arn:${s.partition}:ec2:${s.region}:${s.accountId}:subnet/${id}`));
  const policy = new aws.iam.RolePolicy(
    `${name}-runner`,
    {
      role: role.name,
      policy: pulumi
        .all([scope, logGroup.arn, subnetArns])
        .apply(([s, logGroupArn, arns]) => JSON.stringify(runnerServicePolicy({ scope: s, logGroupArn, connectionArn: args.connectionArn, subnetArns: arns }))),
    },
    opts,
  );
  const project = new aws.codebuild.Project(
    `${name}-runner`,
    {
      name: projectName,
      description: `GitHub Actions runner for ${args.repository}: the jobs that reach the ${args.clusterName} API`,
      serviceRole: role.arn,
      source: { type: "GITHUB", location: `https://github.com/${args.repository}`, auth: { type: "CODECONNECTIONS", resource: args.connectionArn } },
      artifacts: { type: "NO_ARTIFACTS" },
      environment: { type: "LINUX_CONTAINER", computeType: args.computeType, image: args.image, imagePullCredentialsType: "CODEBUILD" },
      vpcConfig: { vpcId: args.vpcId, subnets: args.privateSubnetIds, securityGroupIds: [runnerGroup.id] },
      logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name } },
      buildTimeout: 120,
      queuedTimeout: 60,
    },
    // CodeBuild checks the role's VPC rights when the project is created (aws/aws-cdk#2652).
    { ...opts, dependsOn: [policy] },
  );
  new aws.codebuild.Webhook(`${name}-runner`, { projectName: project.name, buildType: "BUILD", filterGroups: runnerWebhookFilters() }, opts);
  return { projectName, controlPlaneAccess, project };
}
