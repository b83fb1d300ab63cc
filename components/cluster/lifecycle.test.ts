/**
 * The cluster's lifecycle under the mock engine: what a version bump, a change of admins or a
 * bad setting does to the plan of the prod stack.
 */
import { CapturedResource } from "../../scripts/engine/capture";
import { ProgramFailed, ProgramRun, runProgram } from "../../scripts/engine/run";
import { readStackConfig } from "../../scripts/engine/stackFile";
import { ADDON_VERSIONS } from "./addons";
import { foundationMismatch, vpcMismatch } from "./cluster";

const prodCluster = () => JSON.parse(readStackConfig("prod").values["agent-platform:cluster"]);
const planWith = (cluster: Record<string, unknown>) => runProgram({ stack: "prod", config: { cluster: { ...prodCluster(), ...cluster } } });
const ADMINS = "arn:aws:iam::123456789012:role/platform-admins";
const ONCALL = "arn:aws:iam::123456789012:role/oncall";
const DEPLOYER = "arn:aws:iam::123456789012:role/agent-platform-deployer";
const PREVIEW = "arn:aws:iam::123456789012:role/agent-platform-preview";
const ADDONS = ["cluster-eks-pod-identity-agent", "cluster-vpc-cni", "cluster-kube-proxy", "cluster-coredns", "cluster-aws-ebs-csi-driver"];

const entries = (run: ProgramRun) =>
  run.findResources("aws:eks/accessEntry:AccessEntry").map((e) => [e.name, e.inputs.principalArn]);
const byName = (run: ProgramRun) => new Map(run.resources.map((r) => [`${r.type}::${r.name}`, r] as [string, CapturedResource]));

describe("a Kubernetes version bump", () => {
  let older: ProgramRun;
  let newer: ProgramRun;
  beforeAll(async () => {
    older = await planWith({ kubernetesVersion: "1.35" });
    newer = await planWith({ kubernetesVersion: "1.36" });
  });

  it("moves the control plane, the add-ons and both node groups together, and nothing else", () => {
    const before = byName(older);
    const changed = newer.resources
      .filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(before.get(`${r.type}::${r.name}`)?.inputs))
      .map((r) => r.name)
      .sort();
    // The Pod Identity agent's tested version is the same for both minors.
    expect(changed).toEqual(["cluster-aws-ebs-csi-driver", "cluster-coredns", "cluster-eks", "cluster-kube-proxy", "cluster-sandbox", "cluster-system", "cluster-vpc-cni"]);
    expect(newer.findResource("aws:eks/cluster:Cluster", "cluster-eks").inputs.version).toBe("1.36");
    for (const pool of ["cluster-system", "cluster-sandbox"]) {
      expect([older, newer].map((run) => run.findResource("aws:eks/nodeGroup:NodeGroup", pool).inputs.version)).toEqual(["1.35", "1.36"]);
    }
    for (const [run, minor] of [[older, "1.35"], [newer, "1.36"]] as const) {
      const versions = Object.fromEntries(run.findResources("aws:eks/addon:Addon").map((a) => [a.inputs.addonName, a.inputs.addonVersion]));
      expect(versions).toEqual(ADDON_VERSIONS[minor]);
    }
  });

  it("upgrades in EKS's order: control plane first, then the add-ons nodes need, then the nodes, then what runs on them", () => {
    const urn = (type: string, name: string) => newer.findResource(type, name).urn;
    const cluster = urn("aws:eks/cluster:Cluster", "cluster-eks");
    for (const addon of ADDONS) expect(newer.findResource("aws:eks/addon:Addon", addon).inputs.clusterName).toBe("agent-platform-prod");
    for (const addon of ["cluster-eks-pod-identity-agent", "cluster-kube-proxy"]) {
      expect(newer.findResource("aws:eks/addon:Addon", addon).options.dependsOn).toEqual([cluster]);
    }
    for (const pool of ["cluster-system", "cluster-sandbox"]) {
      expect(newer.findResource("aws:eks/nodeGroup:NodeGroup", pool).options.dependsOn).toEqual(
        expect.arrayContaining([cluster, ...["cluster-eks-pod-identity-agent", "cluster-vpc-cni", "cluster-kube-proxy"].map((a) => urn("aws:eks/addon:Addon", a))]),
      );
    }
    expect(newer.findResource("aws:eks/addon:Addon", "cluster-coredns").options.dependsOn).toContain(urn("aws:eks/nodeGroup:NodeGroup", "cluster-system"));
  });
});

describe("EKS add-ons and node groups as planned", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });

  it("pins every add-on's version, overwrites any existing copy on create and keeps the core ones on delete", () => {
    const planned = run.findResources("aws:eks/addon:Addon").map((a) => [a.name, a.inputs.addonVersion, a.inputs.resolveConflictsOnCreate, a.inputs.resolveConflictsOnUpdate, a.inputs.preserve]);
    expect(planned.sort()).toEqual([
      ["cluster-aws-ebs-csi-driver", "v1.57.1-eksbuild.1", "OVERWRITE", "OVERWRITE", false],
      ["cluster-coredns", "v1.13.2-eksbuild.1", "OVERWRITE", "OVERWRITE", true],
      ["cluster-eks-pod-identity-agent", "v1.3.10-eksbuild.3", "OVERWRITE", "OVERWRITE", true],
      ["cluster-kube-proxy", "v1.35.0-eksbuild.2", "OVERWRITE", "OVERWRITE", true],
      ["cluster-vpc-cni", "v1.21.1-eksbuild.3", "OVERWRITE", "OVERWRITE", true],
    ]);
  });

  it("starts nodes only after the CNI, Pod Identity and kube-proxy add-ons and the node role's policies", () => {
    const urns = (type: string, names: string[]) => names.map((n) => run.findResource(type, n).urn);
    const attachments = urns("aws:iam/rolePolicyAttachment:RolePolicyAttachment", ["cluster-nodes-AmazonEKSWorkerNodePolicy", "cluster-nodes-AmazonEC2ContainerRegistryReadOnly"]);
    const addons = urns("aws:eks/addon:Addon", ["cluster-eks-pod-identity-agent", "cluster-vpc-cni", "cluster-kube-proxy"]);
    for (const pool of ["cluster-system", "cluster-sandbox"]) {
      expect(run.findResource("aws:eks/nodeGroup:NodeGroup", pool).options.dependsOn).toEqual(expect.arrayContaining([...addons, ...attachments]));
    }
    expect(run.findResource("aws:eks/addon:Addon", "cluster-vpc-cni").options.dependsOn).toEqual(
      expect.arrayContaining(urns("aws:iam/rolePolicyAttachment:RolePolicyAttachment", ["cluster-vpc-cni-AmazonEKS_CNI_Policy"])),
    );
    expect(run.findResource("aws:eks/cluster:Cluster", "cluster-eks").options.dependsOn).toEqual(
      expect.arrayContaining(urns("aws:iam/rolePolicyAttachment:RolePolicyAttachment", ["cluster-control-plane-AmazonEKSClusterPolicy"])),
    );
  });

  it("scopes every role EKS Pod Identity may assume to its own service account on this cluster", () => {
    const podRoles = run
      .findResources("aws:iam/role:Role")
      .filter((r) => JSON.parse(r.inputs.assumeRolePolicy).Statement.some((s: any) => s.Principal.Service === "pods.eks.amazonaws.com"));
    const scoped = podRoles.map((r) => {
      const condition = JSON.parse(r.inputs.assumeRolePolicy).Statement[0].Condition;
      expect(condition.StringEquals["aws:SourceAccount"]).toBe("123456789012");
      expect(condition.ArnLike).toEqual({ "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:podidentityassociation/agent-platform-prod/*" });
      return [r.name, condition.StringEquals["aws:RequestTag/kubernetes-namespace"], condition.StringEquals["aws:RequestTag/kubernetes-service-account"]];
    });
    expect(scoped).toEqual([
      ["cluster-vpc-cni", "kube-system", "aws-node"],
      ["cluster-ebs-csi", "kube-system", "ebs-csi-controller-sa"],
      ["data-platform-api", "platform-api", "platform-api"],
      ["cluster-cert-manager", "cert-manager", "cert-manager"],
      ["vault-unseal-role", "vault", "vault"],
      ["vault-snapshot-role", "vault", "vault-snapshot"],
    ]);
    // Each matches the association that binds it.
    const bound = run.findResources("aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => [a.inputs.roleArn.split("/").pop(), a.inputs.namespace, a.inputs.serviceAccount]);
    expect(bound).toEqual(expect.arrayContaining([["cluster-cert-manager-mock", "cert-manager", "cert-manager"]]));
    expect(bound.filter(([, ns]) => ns === "vault").map(([, , sa]) => sa).sort()).toEqual(["vault", "vault-snapshot"]);
  });

  it("lets VPC Flow Logs assume its role only for this account's flow logs", () => {
    expect(JSON.parse(run.findResource("aws:iam/role:Role", "cluster-flow-logs").inputs.assumeRolePolicy).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
    });
  });

  it("gives the preview role read-only access to the cluster, and every principal one entry", () => {
    expect(entries(run)).toEqual([
      ["cluster-access-platform-admins-262f39", ADMINS],
      ["cluster-access-agent-platform-deployer-a676e9", DEPLOYER],
      ["cluster-access-agent-platform-preview-836a43", PREVIEW],
    ]);
    expect(run.findResource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-agent-platform-preview-836a43").inputs.policyArn).toBe(
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    );
  });
});

describe("access entries as the admins change", () => {
  it("plans one entry for a deployer that is also an admin", async () => {
    const run = await planWith({ adminRoleArns: [DEPLOYER, ADMINS] });
    expect(entries(run)).toEqual([
      ["cluster-access-agent-platform-deployer-a676e9", DEPLOYER],
      ["cluster-access-platform-admins-262f39", ADMINS],
      ["cluster-access-agent-platform-preview-836a43", PREVIEW],
    ]);
  });

  it("keeps every other entry, by URN, when the first admin is removed", async () => {
    const before = await planWith({ adminRoleArns: [ONCALL, ADMINS] });
    const after = await planWith({ adminRoleArns: [ADMINS] });
    const urns = (run: ProgramRun) => run.findResources("aws:eks/accessEntry:AccessEntry").map((e) => e.urn);
    expect(urns(after)).toEqual(urns(before).filter((urn) => !urn.includes("cluster-access-oncall-")));
    expect(urns(before)).toHaveLength(4);
  });
});

describe("settings the cluster refuses", () => {
  it("fails on a documentation range in publicAccessCidrs, naming the key, with nothing declared", async () => {
    const error = (await planWith({ publicAccessCidrs: ["203.0.113.0/24"] }).catch((e: Error) => e)) as ProgramFailed;
    expect(error).toBeInstanceOf(ProgramFailed);
    expect(error.message).toBe(
      "Invalid stack configuration (1 problem):\n" +
        '  - agent-platform:cluster.publicAccessCidrs[0]: must be a public, routable range (an operator\'s static egress address): 203.0.113.0/24 is TEST-NET-3, reserved for documentation (RFC 5737) (got "203.0.113.0/24")',
    );
    expect(error.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("opens the endpoint only to a routable operator address when one is listed", async () => {
    const run = await planWith({ publicAccessCidrs: ["52.94.76.10/32"] });
    expect(run.findResource("aws:eks/cluster:Cluster", "cluster-eks").inputs.vpcConfig).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["52.94.76.10/32"],
    });
  });

  it("fails on a foundation stack built for another cluster, naming the key", () => {
    // Checked on the StackReference's output (cluster.ts readFoundation), which fails the preview.
    expect(foundationMismatch("example-org/agent-platform/prod-foundation", "agent-platform-staging", "agent-platform-prod")).toBe(
      "agent-platform:cluster.foundationStack: example-org/agent-platform/prod-foundation holds the network of cluster agent-platform-staging, not agent-platform-prod: set foundation.clusterName there to agent-platform-prod",
    );
    expect(foundationMismatch("example-org/agent-platform/prod-foundation", "agent-platform-prod", "agent-platform-prod")).toBeUndefined();
    // The NetworkPolicies name cluster.vpcCidr: it must be the foundation's VPC.
    expect(vpcMismatch("example-org/agent-platform/prod-foundation", "10.40.0.0/16", "10.0.0.0/16")).toBe(
      'agent-platform:cluster.vpcCidr: must equal the VPC of example-org/agent-platform/prod-foundation, 10.40.0.0/16, which the NetworkPolicies name (got "10.0.0.0/16")',
    );
    expect(vpcMismatch("example-org/agent-platform/prod-foundation", "10.40.0.0/16", "10.40.0.0/16")).toBeUndefined();
  });
});
