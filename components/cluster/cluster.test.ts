import { ProgramRun, runProgram } from "../../test/harness/run";

const KEY = (name: string) => `arn:aws:kms:us-east-1:123456789012:key/cluster-${name}-key-id`;

describe("Cluster on EKS (prod stack)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });

  it("SEC-01 encrypts Kubernetes secrets with a customer-managed, rotating KMS key", () => {
    const cluster = run.findResource("aws:eks/cluster:Cluster", "cluster-eks");
    expect(cluster.inputs.encryptionConfig).toEqual({ provider: { keyArn: KEY("secrets") }, resources: ["secrets"] });
    const key = run.findResource("aws:kms/key:Key", "cluster-secrets");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT" });
  });

  it("CLU-01 ships every control-plane log type, audit included, to an encrypted log group", () => {
    const cluster = run.findResource("aws:eks/cluster:Cluster", "cluster-eks");
    expect(cluster.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    const logs = run.findResource("aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane-logs");
    expect(logs.inputs).toEqual({ name: "/aws/eks/agent-platform-prod/cluster", retentionInDays: 365, kmsKeyId: KEY("logs") });
    expect(cluster.options.dependsOn).toContain(logs.urn);
  });

  it("pins a supported Kubernetes version, API access entries and no creator admin", () => {
    const cluster = run.findResource("aws:eks/cluster:Cluster", "cluster-eks");
    expect(cluster.inputs).toMatchObject({
      name: "agent-platform-prod",
      version: "1.35",
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      upgradePolicy: { supportType: "STANDARD" },
      vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    });
    expect(run.findResource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-admin-0").inputs).toEqual({
      clusterName: "agent-platform-prod",
      principalArn: "arn:aws:iam::123456789012:role/platform-admins",
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
  });

  it("puts nodes only in private subnets across three zones, with NAT egress per zone and flow logs", () => {
    const subnets = run.findResources("aws:ec2/subnet:Subnet");
    expect(subnets.map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZone, s.inputs.mapPublicIpOnLaunch])).toEqual([
      ["cluster-public-0", "10.40.224.0/22", "us-east-1a", false],
      ["cluster-private-0", "10.40.0.0/19", "us-east-1a", false],
      ["cluster-public-1", "10.40.228.0/22", "us-east-1b", false],
      ["cluster-private-1", "10.40.32.0/19", "us-east-1b", false],
      ["cluster-public-2", "10.40.232.0/22", "us-east-1c", false],
      ["cluster-private-2", "10.40.64.0/19", "us-east-1c", false],
    ]);
    for (const pool of ["cluster-system", "cluster-sandbox"]) {
      expect(run.findResource("aws:eks/nodeGroup:NodeGroup", pool).inputs.subnetIds).toEqual([
        "cluster-private-0-id",
        "cluster-private-1-id",
        "cluster-private-2-id",
      ]);
    }
    expect(run.findResources("aws:ec2/natGateway:NatGateway").map((n) => n.inputs.subnetId)).toEqual([
      "cluster-public-0-id",
      "cluster-public-1-id",
      "cluster-public-2-id",
    ]);
    expect(run.findResource("aws:ec2/flowLog:FlowLog", "cluster-flow-log").inputs).toMatchObject({
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
    });
  });

  it("ISO-10 installs gVisor on tainted sandbox nodes and selects them with the gvisor RuntimeClass", () => {
    const sandbox = run.findResource("aws:eks/nodeGroup:NodeGroup", "cluster-sandbox");
    expect(sandbox.inputs.taints).toEqual([{ key: "agent-platform.io/sandbox", value: "gvisor", effect: "NO_SCHEDULE" }]);
    expect(sandbox.inputs.labels).toEqual({ "agent-platform.io/sandbox": "gvisor" });
    const template = run.findResource("aws:ec2/launchTemplate:LaunchTemplate", "cluster-sandbox");
    const userData = Buffer.from(template.inputs.userData, "base64").toString();
    expect(userData).toContain("GVISOR_VERSION=20261005.0");
    expect(userData).toContain('[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]');
    const runtimeClass = run.findResource("kubernetes:node.k8s.io/v1:RuntimeClass", "cluster-runtime-class");
    expect(runtimeClass.inputs.handler).toBe("runsc");
    expect(runtimeClass.inputs.scheduling).toEqual({
      nodeSelector: { "agent-platform.io/sandbox": "gvisor" },
      tolerations: [{ key: "agent-platform.io/sandbox", operator: "Equal", value: "gvisor", effect: "NoSchedule" }],
    });
    expect(run.findResource("aws:eks/nodeGroup:NodeGroup", "cluster-system").inputs.taints).toBeUndefined();
  });

  it("SEC-08 encrypts node root volumes with the EBS key and allows IMDSv2 only, one hop", () => {
    for (const pool of ["cluster-system", "cluster-sandbox"]) {
      const template = run.findResource("aws:ec2/launchTemplate:LaunchTemplate", pool);
      expect(template.inputs.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: "true", kmsKeyId: KEY("ebs"), volumeType: "gp3" });
      expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    }
  });

  it("ISO-13 makes the KMS-encrypted gp3 class the default", () => {
    const storageClass = run.findResource("kubernetes:storage.k8s.io/v1:StorageClass", "cluster-storage-class");
    expect(storageClass.inputs.metadata.annotations).toEqual({ "storageclass.kubernetes.io/is-default-class": "true" });
    expect(storageClass.inputs).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: KEY("ebs"), "csi.storage.k8s.io/fstype": "ext4" },
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Retain",
    });
    expect(run.findResources("kubernetes:storage.k8s.io/v1:StorageClass")).toHaveLength(1);
  });

  it("SEC-07 protects every KMS key, log group and the EKS cluster against deletion", () => {
    const stateful = [
      ...run.findResources("aws:kms/key:Key"),
      ...run.findResources("aws:cloudwatch/logGroup:LogGroup"),
      ...run.findResources("aws:eks/cluster:Cluster"),
    ];
    expect(stateful.map((r) => [r.name, r.options.protect])).toEqual([
      ["cluster-secrets", true],
      ["cluster-ebs", true],
      ["cluster-logs", true],
      ["cluster-vault", true],
      ["cluster-flow-logs", true],
      ["cluster-control-plane-logs", true],
      ["cluster-eks", true],
    ]);
    expect(run.findResources("aws:kms/key:Key").map((k) => k.inputs.deletionWindowInDays)).toEqual([30, 30, 30, 30]);
  });

  it("gives the VPC CNI its AWS rights through Pod Identity and enforces NetworkPolicies", () => {
    const cni = run.findResource("aws:eks/addon:Addon", "cluster-vpc-cni");
    expect(cni.inputs.podIdentityAssociations).toEqual([{ roleArn: "arn:aws:iam::123456789012:role/cluster-vpc-cni-mock", serviceAccount: "aws-node" }]);
    expect(JSON.parse(cni.inputs.configurationValues)).toEqual({ enableNetworkPolicy: "true" });
    const nodePolicies = run
      .findResources("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.name.startsWith("cluster-nodes-"))
      .map((a) => a.inputs.policyArn);
    expect(nodePolicies).toEqual([
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ]);
  });

  it("hands the rest of the program a provider with a secret kubeconfig", () => {
    const provider = run.findResource("pulumi:providers:kubernetes", "cluster-kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(run.findResource("kubernetes:node.k8s.io/v1:RuntimeClass", "cluster-runtime-class").options.provider).toBe(provider.urn);
  });
});

describe("Cluster on an existing cluster", () => {
  it("declares no AWS resource and targets the kubeconfig context", async () => {
    const run = await runProgram({ stack: "prod", config: { cluster: { mode: "existing", kubeconfigContext: "kind-agents" } } });
    expect(run.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(run.findResource("pulumi:providers:kubernetes", "cluster-kubernetes").inputs).toMatchObject({ context: "kind-agents" });
    expect(run.findResources("kubernetes:storage.k8s.io/v1:StorageClass")).toEqual([]);
    expect(run.findResource("kubernetes:node.k8s.io/v1:RuntimeClass", "cluster-runtime-class").inputs.handler).toBe("runsc");
  });

  it("refuses an EKS stack without an AWS region before declaring anything", async () => {
    const error = (await runProgram({ stack: "prod", config: { "aws:region": "" } }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe("Invalid stack configuration (1 problem):\n  - aws:region: is required when cluster.mode is eks (got nothing)");
  });
});

describe("Cluster identities for platform components", () => {
  it("gives cert-manager a Pod Identity role for DNS-01 in the platform's zone only", async () => {
    const run = await runProgram({ stack: "prod" });
    expect(run.findResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "cluster-cert-manager").inputs).toEqual({
      clusterName: "agent-platform-prod",
      namespace: "cert-manager",
      serviceAccount: "cert-manager",
      roleArn: "arn:aws:iam::123456789012:role/cluster-cert-manager-mock",
    });
    const policy = JSON.parse(run.findResource("aws:iam/rolePolicy:RolePolicy", "cluster-cert-manager-dns").inputs.policy);
    expect(policy.Statement[2].Resource).toBe("arn:aws:route53:::hostedzone/Z04217391AGENTSPROD");
  });
});

describe("the deployer role", () => {
  it("names the configured deployer in key policies and gives it API access before the provider is used", async () => {
    const run = await runProgram({ stack: "prod" });
    const policy = JSON.parse(run.findResource("aws:kms/key:Key", "cluster-secrets").inputs.policy);
    expect(policy.Statement[1].Principal).toEqual({ AWS: "arn:aws:iam::123456789012:role/agent-platform-deployer" });
    expect(run.findResource("aws:eks/accessEntry:AccessEntry", "cluster-deployer").inputs).toEqual({
      clusterName: "agent-platform-prod",
      principalArn: "arn:aws:iam::123456789012:role/agent-platform-deployer",
      type: "STANDARD",
    });
  });

  it("falls back to the caller's role when none is configured", async () => {
    const run = await runProgram({ stack: "prod", config: { cluster: { adminRoleArns: [], publicAccessCidrs: [] } } });
    expect(run.findResource("aws:eks/accessEntry:AccessEntry", "cluster-deployer").inputs.principalArn).toBe(
      "arn:aws:iam::123456789012:role/pulumi-deployer",
    );
  });
});
