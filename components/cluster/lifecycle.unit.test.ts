import { SUPPORTED_KUBERNETES_VERSIONS } from "../../config/defaults";
import { accessEntryKey, clusterAccessGrants } from "./access";
import { ADDON_VERSIONS, VPC_CNI_CONFIGURATION, addonSettings } from "./addons";

const ADMINS = "arn:aws:iam::123456789012:role/platform-admins";
const ONCALL = "arn:aws:iam::123456789012:role/oncall/platform-admins";
const DEPLOYER = "arn:aws:iam::123456789012:role/agent-platform-deployer";
const PREVIEW = "arn:aws:iam::123456789012:role/agent-platform-preview";

describe("add-on versions", () => {
  it("has one row of tested versions per supported Kubernetes minor, every add-on pinned in each", () => {
    expect(Object.keys(ADDON_VERSIONS).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS].sort());
    for (const row of Object.values(ADDON_VERSIONS)) {
      expect(Object.keys(row).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
      for (const version of Object.values(row)) expect(version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
    // kube-proxy follows the control plane's minor exactly.
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS) expect(ADDON_VERSIONS[minor]["kube-proxy"].startsWith(`v${minor}.`)).toBe(true);
  });

  it("creates every add-on over any existing copy, and keeps the networking, DNS and identity ones on delete", () => {
    expect(addonSettings("vpc-cni", "1.36")).toEqual({
      addonName: "vpc-cni",
      addonVersion: "v1.22.4-eksbuild.3",
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      preserve: true,
    });
    expect(["kube-proxy", "coredns", "eks-pod-identity-agent"].map((a) => addonSettings(a as "coredns", "1.35").preserve)).toEqual([true, true, true]);
    expect(addonSettings("aws-ebs-csi-driver", "1.35")).toMatchObject({ addonVersion: "v1.57.1-eksbuild.1", preserve: false, resolveConflictsOnCreate: "OVERWRITE" });
    expect(() => addonSettings("coredns", "1.34" as "1.35")).toThrow("addonSettings: no tested add-on versions for Kubernetes 1.34");
  });

  it("starts every new pod default-deny: the VPC CNI enforces NetworkPolicies in strict mode", () => {
    expect(JSON.stringify(VPC_CNI_CONFIGURATION)).toBe(
      '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict","ENABLE_POD_ENI":"true","POD_SECURITY_GROUP_ENFORCING_MODE":"standard"}}',
    );
  });
});

describe("cluster access entries", () => {
  it("names each entry from its principal: role name and a digest of the whole ARN", () => {
    expect(accessEntryKey(ADMINS)).toBe("platform-admins-262f39");
    // Same role name, another path: another key.
    expect(accessEntryKey(ONCALL)).toMatch(/^platform-admins-[0-9a-f]{6}$/);
    expect(accessEntryKey(ONCALL)).not.toBe(accessEntryKey(ADMINS));
  });

  it("gives operators and the deployer cluster admin and the preview role view, one entry per principal", () => {
    expect(clusterAccessGrants({ adminRoleArns: [ADMINS], deployerRoleArn: DEPLOYER, previewRoleArn: PREVIEW })).toEqual([
      { key: accessEntryKey(ADMINS), principalArn: ADMINS, policy: "AmazonEKSClusterAdminPolicy" },
      { key: accessEntryKey(DEPLOYER), principalArn: DEPLOYER, policy: "AmazonEKSClusterAdminPolicy" },
      { key: accessEntryKey(PREVIEW), principalArn: PREVIEW, policy: "AmazonEKSViewPolicy" },
    ]);
  });

  it("merges a deployer that is also an admin, and a preview role that already has admin, into one entry each", () => {
    expect(clusterAccessGrants({ adminRoleArns: [ADMINS, DEPLOYER], deployerRoleArn: DEPLOYER })).toEqual([
      { key: accessEntryKey(ADMINS), principalArn: ADMINS, policy: "AmazonEKSClusterAdminPolicy" },
      { key: accessEntryKey(DEPLOYER), principalArn: DEPLOYER, policy: "AmazonEKSClusterAdminPolicy" },
    ]);
    expect(clusterAccessGrants({ adminRoleArns: [], deployerRoleArn: DEPLOYER, previewRoleArn: DEPLOYER })).toEqual([
      { key: accessEntryKey(DEPLOYER), principalArn: DEPLOYER, policy: "AmazonEKSClusterAdminPolicy" },
    ]);
  });

  it("keeps every other entry's name when an admin is removed or the admins are reordered", () => {
    const before = clusterAccessGrants({ adminRoleArns: [ADMINS, ONCALL], deployerRoleArn: DEPLOYER }).map((g) => g.key);
    const after = clusterAccessGrants({ adminRoleArns: [ONCALL], deployerRoleArn: DEPLOYER }).map((g) => g.key);
    const reordered = clusterAccessGrants({ adminRoleArns: [ONCALL, ADMINS], deployerRoleArn: DEPLOYER }).map((g) => g.key);
    expect(after).toEqual(before.filter((key) => key !== accessEntryKey(ADMINS)));
    expect([...reordered].sort()).toEqual([...before].sort());
  });
});
