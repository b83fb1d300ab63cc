import { flowLogsTrustPolicy, podIdentityTrustPolicy } from "./iam";
import { runnerLabel, runnerProjectName, runnerServicePolicy, runnerTrustPolicy, runnerWebhookFilters } from "./runner";

const SCOPE = { partition: "aws", region: "us-east-1", accountId: "123456789012" };

describe("trust policies of the platform's roles", () => {
  it("lets EKS Pod Identity assume a role only for one service account of this account's cluster", () => {
    expect(podIdentityTrustPolicy({ ...SCOPE, clusterName: "agent-platform-prod", namespace: "kube-system", serviceAccount: "aws-node" })).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: {
              "aws:SourceAccount": "123456789012",
              "aws:RequestTag/kubernetes-namespace": "kube-system",
              "aws:RequestTag/kubernetes-service-account": "aws-node",
            },
            ArnLike: { "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:podidentityassociation/agent-platform-prod/*" },
          },
        },
      ],
    });
  });

  it("lets VPC Flow Logs assume its role only for this account's flow logs in this region", () => {
    expect(flowLogsTrustPolicy(SCOPE)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: ["sts:AssumeRole"],
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
          },
        },
      ],
    });
  });
});

describe("the deploy runner", () => {
  it("is the CodeBuild project a workflow job names in runs-on", () => {
    expect(runnerProjectName("agent-platform-prod")).toBe("agent-platform-prod-deploy");
    expect(runnerLabel("agent-platform-prod-deploy")).toBe("codebuild-agent-platform-prod-deploy-${{ github.run_id }}-${{ github.run_attempt }}");
  });

  it("starts only for queued jobs of the deploy and preview workflows", () => {
    expect(runnerWebhookFilters()).toEqual([
      {
        filters: [
          { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
          { type: "WORKFLOW_NAME", pattern: "^(deploy|preview)$" },
        ],
      },
    ]);
  });

  it("has a service role CodeBuild assumes for this project only, able to log, attach to its subnets and read the GitHub connection", () => {
    expect(runnerTrustPolicy(SCOPE, "agent-platform-prod-deploy").Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012", "aws:SourceArn": "arn:aws:codebuild:us-east-1:123456789012:project/agent-platform-prod-deploy" },
    });
    const connectionArn = "arn:aws:codeconnections:us-east-1:123456789012:connection/0b3c8f1e-6a2d-4c7e-9f15-2d8e4a6b7c90";
    const policy = runnerServicePolicy({
      scope: SCOPE,
      logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/agent-platform-prod-deploy",
      connectionArn,
      subnetArns: ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1"],
    });
    expect(policy.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ["RunnerLogs", ["logs:CreateLogStream", "logs:PutLogEvents"]],
      [
        "VpcBuildInterfaces",
        [
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeDhcpOptions",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets",
          "ec2:DescribeVpcs",
        ],
      ],
      ["VpcBuildInterfacePermission", ["ec2:CreateNetworkInterfacePermission"]],
      ["GithubConnection", ["codeconnections:GetConnection", "codeconnections:GetConnectionToken"]],
    ]);
    expect(policy.Statement[2].Condition).toEqual({
      StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
      ArnEquals: { "ec2:Subnet": ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1"] },
    });
    expect(policy.Statement[3].Resource).toBe(connectionArn);
    // Nothing that reaches the cluster, a key or a secret: jobs bring their own OIDC roles.
    expect(JSON.stringify(policy)).not.toMatch(/"(eks|kms|sts|iam|secretsmanager|s3):/);
  });
});
