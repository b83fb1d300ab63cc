import { runPolicyPack } from "../../scripts/plan/policies";
import { foundationReferenceOutputs } from "../../scripts/engine/mocks";
import { ProgramFailed, ProgramRun, runProgram } from "../../scripts/engine/run";
import { readStackConfig } from "../../scripts/engine/stackFile";

const STACK = "prod-foundation";
const foundationSettings = () => JSON.parse(readStackConfig(STACK).values["agent-platform:foundation"]);
const withFoundation = (settings: Record<string, unknown>) => ({ foundation: { ...foundationSettings(), ...settings } });
const subnetZones = (run: ProgramRun) => run.findResources("aws:ec2/subnet:Subnet").map((s) => [s.name, s.inputs.availabilityZoneId, s.inputs.cidrBlock]);

describe("the foundation stack (VPC and deploy runner)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: STACK });
  });

  it("spans the configured zone IDs with private and public subnets, a NAT gateway per zone, and declares nothing on Kubernetes", () => {
    expect(subnetZones(run)).toEqual([
      ["foundation-public-0", "use1-az1", "10.40.224.0/22"],
      ["foundation-private-0", "use1-az1", "10.40.0.0/19"],
      ["foundation-public-1", "use1-az2", "10.40.228.0/22"],
      ["foundation-private-1", "use1-az2", "10.40.32.0/19"],
      ["foundation-public-2", "use1-az4", "10.40.232.0/22"],
      ["foundation-private-2", "use1-az4", "10.40.64.0/19"],
    ]);
    for (const subnet of run.findResources("aws:ec2/subnet:Subnet")) {
      expect(subnet.inputs.availabilityZone).toBeUndefined();
      expect(subnet.inputs.mapPublicIpOnLaunch).toBe(false);
      expect(subnet.inputs.tags["kubernetes.io/cluster/agent-platform-prod"]).toBe("shared");
    }
    expect(run.findResources("aws:ec2/natGateway:NatGateway").map((n) => n.inputs.subnetId)).toEqual([
      "foundation-public-0-id",
      "foundation-public-1-id",
      "foundation-public-2-id",
    ]);
    // AWS APIs only: a GitHub-hosted runner can apply it before any cluster exists.
    expect(run.resources.filter((r) => r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes")).toEqual([]);
    expect(run.findResources("aws:kms/key:Key")).toEqual([]);
  });

  it("runs the deploy runner in the private subnets, reachable from nowhere, the only source the control plane accepts", () => {
    const project = run.findResource("aws:codebuild/project:Project", "foundation-runner");
    expect(project.inputs).toMatchObject({
      name: "agent-platform-prod-deploy",
      source: {
        type: "GITHUB",
        location: "https://github.com/example-org/agent-platform",
        auth: { type: "CODECONNECTIONS", resource: foundationSettings().runner.connectionArn },
      },
      environment: { type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_MEDIUM", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0" },
      vpcConfig: {
        vpcId: "foundation-vpc-id",
        subnets: ["foundation-private-0-id", "foundation-private-1-id", "foundation-private-2-id"],
        securityGroupIds: ["foundation-runner-id"],
      },
      logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: "/aws/codebuild/agent-platform-prod-deploy" } },
    });
    expect(run.findResource("aws:ec2/securityGroup:SecurityGroup", "foundation-runner").inputs.ingress).toBeUndefined();
    expect(run.findResource("aws:ec2/securityGroup:SecurityGroup", "foundation-control-plane-access").inputs.ingress).toEqual([
      { protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["foundation-runner-id"], description: "kube-apiserver from the runner" },
    ]);
    expect(run.findResource("aws:codebuild/webhook:Webhook", "foundation-runner").inputs).toEqual({
      projectName: "agent-platform-prod-deploy",
      buildType: "BUILD",
      filterGroups: [
        {
          filters: [
            { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
            { type: "WORKFLOW_NAME", pattern: "^(deploy|preview)$" },
          ],
        },
      ],
    });
    const trust = JSON.parse(run.findResource("aws:iam/role:Role", "foundation-runner").inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["aws:SourceArn"]).toBe("arn:aws:codebuild:us-east-1:123456789012:project/agent-platform-prod-deploy");
  });

  it("exports exactly what the platform stack's StackReference reads under the mock engine", () => {
    expect(run.outputs).toEqual(foundationReferenceOutputs("prod"));
  });

  it("passes the policy pack: its only stateful resource, the runner's log group, is protected", () => {
    expect(runPolicyPack(run.resources).violations).toEqual([]);
    expect(run.findResource("aws:cloudwatch/logGroup:LogGroup", "foundation-runner-logs").options.protect).toBe(true);
  });
});

describe("the foundation stack's zones", () => {
  // A six-zone us-east-1 whose third zone by name (us-east-1c) is use1-az3, where EKS refuses
  // cluster subnets, with this account's own name-to-ID mapping.
  const SIX_ZONES = {
    names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
    zoneIds: ["use1-az2", "use1-az6", "use1-az3", "use1-az5", "use1-az1", "use1-az4"],
  };

  it("in a six-zone region whose third zone is unsupported, chooses by zone ID and skips it", async () => {
    const automatic = foundationSettings();
    delete automatic.availabilityZoneIds;
    const run = await runProgram({ stack: STACK, config: { foundation: automatic }, mocks: { availabilityZones: SIX_ZONES } });
    expect(subnetZones(run).filter(([name]) => String(name).includes("private"))).toEqual([
      ["foundation-private-0", "use1-az1", "10.40.0.0/19"],
      ["foundation-private-1", "use1-az2", "10.40.32.0/19"],
      ["foundation-private-2", "use1-az4", "10.40.64.0/19"],
    ]);
    const listing = run.invokes.find((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones")!;
    expect(listing.inputs).toEqual({
      filters: [
        { name: "opt-in-status", values: ["opt-in-not-required"] },
        { name: "zone-type", values: ["availability-zone"] },
      ],
    });
  });

  it("refuses a configured zone the region does not offer, naming the key, with nothing declared", async () => {
    const error = await runProgram({ stack: STACK, config: withFoundation({ availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az7"] }) }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ProgramFailed);
    expect((error as ProgramFailed).message).toBe(
      "Invalid stack configuration (1 problem):\n" +
        '  - agent-platform:foundation.availabilityZoneIds[2]: is not an Availability Zone of us-east-1 for this account (it has use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6) (got "use1-az7")',
    );
    expect((error as ProgramFailed).resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("refuses a configured zone where EKS refuses cluster subnets before reading the region", async () => {
    const error = await runProgram({ stack: STACK, config: withFoundation({ availabilityZoneIds: ["use1-az1", "use1-az3", "use1-az4"] }) }).catch((e: Error) => e);
    expect((error as ProgramFailed).message).toBe(
      "Invalid stack configuration (1 problem):\n" +
        '  - agent-platform:foundation.availabilityZoneIds[1]: is a zone where EKS refuses cluster subnets (use1-az3, usw1-az2, cac1-az3; EKS user guide, subnet requirements) (got "use1-az3")',
    );
    expect((error as ProgramFailed).resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});
