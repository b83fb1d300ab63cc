import { ProgramFailed, ProgramRun, runProgram } from "../../scripts/engine/run";
import { readStackConfig } from "../../scripts/engine/stackFile";

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

  it("pins a supported Kubernetes version, a private endpoint, API access entries and no creator admin", () => {
    const cluster = run.findResource("aws:eks/cluster:Cluster", "cluster-eks");
    expect(cluster.inputs).toMatchObject({
      name: "agent-platform-prod",
      version: "1.35",
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: "STANDARD" },
    });
    expect(cluster.inputs.vpcConfig).toEqual({
      subnetIds: ["foundation-private-0-id", "foundation-private-1-id", "foundation-private-2-id"],
      securityGroupIds: ["foundation-control-plane-access-id"],
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
    });
    expect(run.findResource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-platform-admins-262f39").inputs).toEqual({
      clusterName: "agent-platform-prod",
      principalArn: "arn:aws:iam::123456789012:role/platform-admins",
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
  });

  it("runs control plane and nodes in the foundation's private subnets and logs every flow of its VPC", () => {
    // The network is the foundation stack's: this stack declares no VPC or subnet of its own.
    expect(run.findResources("aws:ec2/vpc:Vpc")).toEqual([]);
    expect(run.findResources("aws:ec2/subnet:Subnet")).toEqual([]);
    // Read from the foundation stack (cluster.foundationStack) through a StackReference.
    expect(run.findResource("aws:eks/cluster:Cluster", "cluster-eks").options.dependsOn).toContain(
      "urn:pulumi:prod::agent-platform::agent-platform:cluster:Cluster$pulumi:pulumi:StackReference::cluster-foundation",
    );
    for (const pool of ["cluster-system", "cluster-sandbox"]) {
      expect(run.findResource("aws:eks/nodeGroup:NodeGroup", pool).inputs.subnetIds).toEqual([
        "foundation-private-0-id",
        "foundation-private-1-id",
        "foundation-private-2-id",
      ]);
    }
    expect(run.findResource("aws:ec2/flowLog:FlowLog", "cluster-flow-log").inputs).toMatchObject({
      vpcId: "foundation-vpc-id",
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
    expect(userData).toContain(
      "sha512sum --check --strict <<'AGENT_PLATFORM_SHA512'\n0e0a278f73a3017c45d6fa790ca06a3f62c272c873b504c514efafb3ddacc9ea0f372376128bff8ffe3d766d7cd5f22ceda8bab8075ea10e1064e065d21d8266  runsc\n",
    );
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
      // The data tier's key (components/data), declared beside the cluster's in eks mode.
      ["data-key", true],
      ["cluster-flow-logs", true],
      ["cluster-control-plane-logs", true],
      ["cluster-eks", true],
    ]);
    expect(run.findResources("aws:kms/key:Key").map((k) => k.inputs.deletionWindowInDays)).toEqual([30, 30, 30, 30, 30]);
  });

  it("gives the VPC CNI its AWS rights through Pod Identity and enforces NetworkPolicies", () => {
    const cni = run.findResource("aws:eks/addon:Addon", "cluster-vpc-cni");
    expect(cni.inputs.podIdentityAssociations).toEqual([{ roleArn: "arn:aws:iam::123456789012:role/cluster-vpc-cni-mock", serviceAccount: "aws-node" }]);
    expect(cni.inputs.configurationValues).toBe(
      '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict","ENABLE_POD_ENI":"true","POD_SECURITY_GROUP_ENFORCING_MODE":"standard"}}',
    );
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
    // An existing cluster gets no data tier, so prod's dataTier settings go with the mode (empty is unset).
    const run = await runProgram({ stack: "prod", config: { cluster: { mode: "existing", kubeconfigContext: "kind-agents" }, dataTier: {} } });
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
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === "EksEnvelopeEncryption").Principal).toEqual({
      AWS: "arn:aws:iam::123456789012:role/agent-platform-deployer",
    });
    const entry = run.findResource("aws:eks/accessEntry:AccessEntry", "cluster-access-agent-platform-deployer-a676e9");
    expect(entry.inputs).toEqual({
      clusterName: "agent-platform-prod",
      principalArn: "arn:aws:iam::123456789012:role/agent-platform-deployer",
      type: "STANDARD",
    });
    const association = run.findResource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-agent-platform-deployer-a676e9");
    expect(run.findResource("pulumi:providers:kubernetes", "cluster-kubernetes").options.dependsOn).toContain(association.urn);
  });

  it("refuses an eks platform stack without a deployer role, before declaring anything", async () => {
    const cluster = JSON.parse(readStackConfig("prod").values["agent-platform:cluster"]);
    delete cluster.deployerRoleArn;
    const error = (await runProgram({ stack: "prod", config: { cluster } }).catch((e: Error) => e)) as ProgramFailed;
    expect(error.message).toBe(
      "Invalid stack configuration (1 problem):\n  - agent-platform:cluster.deployerRoleArn: is required when cluster.mode is eks: the role CI deploys with, named so that key policies and access entries do not change with whoever runs a preview (got nothing)",
    );
    expect(error.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});
