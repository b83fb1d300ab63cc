import { dataKeyPolicy } from "../data/kms";
import { AccountContext, KeyPolicy, ebsKeyPolicy, logsKeyPolicy, secretsKeyPolicy, vaultKeyPolicy } from "./kms";
import { buildKubeconfig, buildRuntimeClass } from "./kubernetes";
import { planSubnets } from "./network";
import { certManagerDnsPolicy } from "./podIdentity";
import { containerdRuntimeConfig } from "./userdata";

const ctx: AccountContext = {
  accountId: "123456789012",
  partition: "aws",
  region: "eu-west-1",
  deployerArn: "arn:aws:iam::123456789012:role/deployer",
  adminArns: ["arn:aws:iam::123456789012:role/admins"],
};

describe("cluster building blocks", () => {
  it("plans private subnets per zone and small public subnets from the last block", () => {
    expect(planSubnets("10.40.0.0/16", ["a", "b", "c"])).toEqual([
      { zone: "a", privateCidr: "10.40.0.0/19", publicCidr: "10.40.224.0/22" },
      { zone: "b", privateCidr: "10.40.32.0/19", publicCidr: "10.40.228.0/22" },
      { zone: "c", privateCidr: "10.40.64.0/19", publicCidr: "10.40.232.0/22" },
    ]);
    expect(planSubnets("192.168.16.0/20", ["a"])).toEqual([
      { zone: "a", privateCidr: "192.168.16.0/23", publicCidr: "192.168.30.0/26" },
    ]);
  });

  // The data tier's key (components/data/kms.ts) is held to the same administration rules.
  const allKeyPolicies = () => [secretsKeyPolicy(ctx), ebsKeyPolicy(ctx), logsKeyPolicy(ctx, []), vaultKeyPolicy(ctx), dataKeyPolicy(ctx)];
  const statement = (policy: KeyPolicy, sid: string) => policy.Statement.find((s) => s.Sid === sid)!;

  it("gives key administrators no right to use the keys", () => {
    for (const policy of allKeyPolicies()) {
      const admin = statement(policy, "KeyAdministration");
      expect(admin.Principal).toEqual({ AWS: ["arn:aws:iam::123456789012:role/deployer", "arn:aws:iam::123456789012:role/admins"] });
      expect(admin.Action.filter((a) => /Encrypt|Decrypt|GenerateDataKey/.test(a))).toEqual([]);
    }
  });

  it("lets the deployer administer every key but never disable it or schedule its deletion; the operators hold those as break-glass", () => {
    for (const policy of allKeyPolicies()) {
      expect(statement(policy, "KeyAdministration").Action).toEqual([
        "kms:CancelKeyDeletion",
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:DescribeKey",
        "kms:EnableKey",
        "kms:EnableKeyRotation",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListAliases",
        "kms:ListResourceTags",
        "kms:PutKeyPolicy",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:UpdateAlias",
        "kms:UpdateKeyDescription",
      ]);
      expect(statement(policy, "BreakGlassKeyDestruction")).toEqual({
        Sid: "BreakGlassKeyDestruction",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::123456789012:role/admins"] },
        Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
        Resource: "*",
      });
      // An explicit deny beats whatever IAM policy the account-root statement lets count.
      expect(statement(policy, "DeployerNeverDestroysKeys")).toEqual({
        Sid: "DeployerNeverDestroysKeys",
        Effect: "Deny",
        Principal: { AWS: "arn:aws:iam::123456789012:role/deployer" },
        Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
        Resource: "*",
      });
    }
  });

  it("keeps in every key policy the account-root statement of AWS's default key policy", () => {
    for (const policy of allKeyPolicies()) {
      expect(policy.Statement[0]).toEqual({
        Sid: "EnableIamPolicies",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: ["kms:*"],
        Resource: "*",
      });
    }
  });

  it("names no break-glass principal when the deployer is the only administrator", () => {
    const alone = { ...ctx, adminArns: ["arn:aws:iam::123456789012:role/deployer"] };
    expect(secretsKeyPolicy(alone).Statement.map((s) => s.Sid)).toEqual(["EnableIamPolicies", "KeyAdministration", "DeployerNeverDestroysKeys", "EksEnvelopeEncryption"]);
    expect(statement(secretsKeyPolicy(alone), "KeyAdministration").Principal).toEqual({ AWS: ["arn:aws:iam::123456789012:role/deployer"] });
  });

  it("SEC-01 lets only EKS, on the deployer's behalf, use the secrets key", () => {
    expect(statement(secretsKeyPolicy(ctx), "EksEnvelopeEncryption")).toEqual({
      Sid: "EksEnvelopeEncryption",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:role/deployer" },
      Action: ["kms:DescribeKey", "kms:CreateGrant"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "eks.eu-west-1.amazonaws.com", "kms:CallerAccount": "123456789012" } },
    });
  });

  it("SEC-08 lets the EBS key be used only through EC2 in this account", () => {
    const use = statement(ebsKeyPolicy(ctx), "EbsVolumeEncryption");
    const grants = statement(ebsKeyPolicy(ctx), "EbsAttachmentGrants");
    const throughEc2 = { "kms:ViaService": "ec2.eu-west-1.amazonaws.com", "kms:CallerAccount": "123456789012" };
    expect(use.Condition).toEqual({ StringEquals: throughEc2 });
    expect(grants).toMatchObject({ Action: ["kms:CreateGrant"], Condition: { StringEquals: throughEc2, Bool: { "kms:GrantIsForAWSResource": "true" } } });
  });

  it("limits CloudWatch Logs to the platform's own log groups", () => {
    expect(statement(logsKeyPolicy(ctx, ["/aws/eks/x/cluster"]), "CloudWatchLogsEncryption").Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/x/cluster"] },
    });
  });

  it("ISO-10 registers runsc as the containerd handler the gvisor RuntimeClass names", () => {
    const runtimeClass = buildRuntimeClass();
    expect(runtimeClass).toEqual({
      apiVersion: "node.k8s.io/v1",
      kind: "RuntimeClass",
      metadata: {
        name: "gvisor",
        labels: {
          "app.kubernetes.io/name": "gvisor",
          "app.kubernetes.io/part-of": "agent-platform",
          "app.kubernetes.io/managed-by": "pulumi",
          "app.kubernetes.io/component": "sandbox",
        },
      },
      handler: "runsc",
      scheduling: {
        nodeSelector: { "agent-platform.io/sandbox": "gvisor" },
        tolerations: [{ key: "agent-platform.io/sandbox", operator: "Equal", value: "gvisor", effect: "NoSchedule" }],
      },
      overhead: { podFixed: { cpu: "50m", memory: "64Mi" } },
    });
    expect(containerdRuntimeConfig()).toContain(`[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]`);
  });

  it("builds a kubeconfig that holds no credential", () => {
    const kubeconfig = JSON.parse(buildKubeconfig("c", "https://x", "Q0E=", "us-east-1"));
    expect(kubeconfig.users[0].user).toEqual({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "c", "--region", "us-east-1", "--output", "json"],
      },
    });
  });
});

describe("cert-manager's DNS-01 identity", () => {
  it("may write only _acme-challenge TXT records in the platform's zone", () => {
    const policy = JSON.parse(certManagerDnsPolicy("aws", "Z123", "agents.example.com"));
    expect(policy.Statement[2]).toEqual({
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets"],
      Resource: "arn:aws:route53:::hostedzone/Z123",
      Condition: {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.agents.example.com", "_acme-challenge.api.agents.example.com"],
        },
      },
    });
  });
});
