import * as fs from "fs";
import * as path from "path";
import { KUBERNETES_REPLACEMENTS, PROVIDER_REPLACEMENTS, forcesReplacement, replacementRuleFor } from ".";

const statefulSet = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db", namespace: "data" },
  spec: {
    serviceName: "db",
    selector: { matchLabels: { app: "db" } },
    template: { spec: { containers: [{ name: "db", image: "postgres:17", resources: { limits: { cpu: "2" } } }] } },
    volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "20Gi" } } } }],
  },
};

describe("Kubernetes objects", () => {
  it("replaces a StatefulSet whose volumeClaimTemplates change, not one whose pod template changes", () => {
    const storage = "spec.volumeClaimTemplates[0].spec.resources.requests.storage";
    expect(forcesReplacement("kubernetes:apps/v1:StatefulSet", statefulSet, [storage])).toEqual([storage]);
    expect(forcesReplacement("kubernetes:apps/v1:StatefulSet", statefulSet, ["spec.template.spec.containers[0].resources.limits.cpu"])).toEqual([]);
    expect(forcesReplacement("kubernetes:apps/v1:StatefulSet", statefulSet, ["spec.template.spec.containers[0].image"])).toEqual([]);
  });

  it("replaces a Deployment whose selector changes", () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web2" } } } };
    expect(forcesReplacement("kubernetes:apps/v1:Deployment", deployment, ["spec.selector.matchLabels.app"])).toEqual(["spec.selector.matchLabels.app"]);
    expect(forcesReplacement("kubernetes:apps/v1:Deployment", deployment, ["spec.replicas", "spec.template.spec.containers[0].image"])).toEqual([]);
  });

  it("replaces a Service on spec.clusterIP, not on spec.ports", () => {
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "api" }, spec: { clusterIP: "None", ports: [{ port: 8080 }] } };
    expect(forcesReplacement("kubernetes:core/v1:Service", service, ["spec.clusterIP"])).toEqual(["spec.clusterIP"]);
    expect(forcesReplacement("kubernetes:core/v1:Service", service, ["spec.ports", "spec.ports[0].port", "spec.type"])).toEqual([]);
  });

  it("replaces any kind whose metadata.name or metadata.namespace changes", () => {
    for (const [type, apiVersion, kind] of [
      ["kubernetes:core/v1:ConfigMap", "v1", "ConfigMap"],
      ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "networking.k8s.io/v1", "NetworkPolicy"],
      ["kubernetes:cert-manager.io/v1:ClusterIssuer", "cert-manager.io/v1", "ClusterIssuer"],
      ["kubernetes:apps/v1:DeploymentPatch", "apps/v1", "Deployment"],
    ]) {
      const inputs = { apiVersion, kind, metadata: { name: "renamed", namespace: "ns" } };
      expect(forcesReplacement(type, inputs, ["metadata.name"])).toEqual(["metadata.name"]);
      expect(forcesReplacement(type, inputs, ["metadata.namespace"])).toEqual(["metadata.namespace"]);
      expect(forcesReplacement(type, inputs, ["metadata.labels.team"])).toEqual([]);
    }
  });

  it("treats an unset namespace as the default namespace when the previous inputs are known", () => {
    const before = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } };
    const after = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "default" } };
    expect(forcesReplacement("kubernetes:core/v1:ConfigMap", after, ["metadata.namespace"], { before })).toEqual([]);
    expect(forcesReplacement("kubernetes:core/v1:ConfigMap", after, ["metadata.namespace"])).toEqual(["metadata.namespace"]);
  });

  it("replaces a Secret whose stringData, data or type changes with the provider default, only on type with enableSecretMutable", () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, type: "Opaque", stringData: { token: "b" } };
    const changes = ["stringData.token", "data.key", "type"];
    expect(forcesReplacement("kubernetes:core/v1:Secret", secret, ["stringData.token"])).toEqual(["stringData.token"]);
    expect(forcesReplacement("kubernetes:core/v1:Secret", secret, changes)).toEqual(changes);
    expect(forcesReplacement("kubernetes:core/v1:Secret", secret, changes, { enableSecretMutable: true })).toEqual(["type"]);
    expect(forcesReplacement("kubernetes:core/v1:Secret", { ...secret, immutable: true }, changes, { enableSecretMutable: true })).toEqual(changes);
  });

  it("replaces a ConfigMap whose data changes unless enableConfigMapMutable is on", () => {
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "2" } };
    expect(forcesReplacement("kubernetes:core/v1:ConfigMap", configMap, ["data.a"])).toEqual(["data.a"]);
    expect(forcesReplacement("kubernetes:core/v1:ConfigMap", configMap, ["data.a"], { enableConfigMapMutable: true })).toEqual([]);
  });

  it("honours the table's versions: a policy/v1 PodDisruptionBudget updates, a v1beta1 one is replaced", () => {
    const pdb = (apiVersion: string) => ({ apiVersion, kind: "PodDisruptionBudget", metadata: { name: "p" }, spec: { minAvailable: 2 } });
    expect(forcesReplacement("kubernetes:policy/v1:PodDisruptionBudget", pdb("policy/v1"), ["spec.minAvailable"])).toEqual([]);
    expect(forcesReplacement("kubernetes:policy/v1beta1:PodDisruptionBudget", pdb("policy/v1beta1"), ["spec.minAvailable"])).toEqual([
      "spec.minAvailable",
    ]);
  });

  it("replaces a StorageClass on parameters and provisioner, a RoleBinding on roleRef, a bare Pod on a container image", () => {
    expect(
      forcesReplacement("kubernetes:storage.k8s.io/v1:StorageClass", { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" }, [
        "parameters.type",
        "allowVolumeExpansion",
      ]),
    ).toEqual(["parameters.type"]);
    expect(
      forcesReplacement("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" }, [
        "roleRef.name",
        "subjects[0].name",
      ]),
    ).toEqual(["roleRef.name"]);
    expect(forcesReplacement("kubernetes:core/v1:Pod", { apiVersion: "v1", kind: "Pod" }, ["spec.containers[1].image", "metadata.labels.a"])).toEqual([
      "spec.containers[1].image",
    ]);
  });

  it("replaces when a parent changes and its new value sets a force-new path, as the provider's patch slice does", () => {
    const added = { ...statefulSet, spec: { ...statefulSet.spec } };
    expect(forcesReplacement("kubernetes:apps/v1:StatefulSet", added, ["spec"])).toEqual(["spec"]);
    const withoutTemplates = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" }, spec: { replicas: 3 } };
    expect(forcesReplacement("kubernetes:apps/v1:StatefulSet", withoutTemplates, ["spec"])).toEqual([]);
  });

  it("reads the paths diffPlans prints, and ignores options and outputs", () => {
    const line = 'inputs.spec.clusterIP: "10.0.0.1" -> "10.0.0.2"';
    const service = { apiVersion: "v1", kind: "Service", spec: { clusterIP: "10.0.0.2" } };
    expect(forcesReplacement("kubernetes:core/v1:Service", service, [line, 'options.protect: false -> true'])).toEqual([line]);
  });

  it("derives the group and kind from the type token when the inputs carry none", () => {
    expect(forcesReplacement("kubernetes:apps/v1:StatefulSet", {}, ["spec.volumeClaimTemplates"])).toEqual(["spec.volumeClaimTemplates"]);
    expect(replacementRuleFor("kubernetes:core/v1:Service")).toBe(KUBERNETES_REPLACEMENTS["core/Service"]);
    expect(replacementRuleFor("kubernetes:batch/v1:CronJob")).toBe(KUBERNETES_REPLACEMENTS["*"]);
  });
});

describe("Helm releases", () => {
  const release = { name: "cilium", namespace: "kube-system", chart: "cilium", version: "1.18.0", values: { ipam: { mode: "eni" } } };
  it("replaces a release on name or namespace, upgrades it in place otherwise", () => {
    expect(forcesReplacement("kubernetes:helm.sh/v3:Release", release, ["name"])).toEqual(["name"]);
    expect(forcesReplacement("kubernetes:helm.sh/v3:Release", release, ["namespace"])).toEqual(["namespace"]);
    expect(forcesReplacement("kubernetes:helm.sh/v3:Release", release, ["version", "values.ipam.mode", "chart"])).toEqual([]);
  });
});

describe("AWS resources", () => {
  it("EKS cluster: version updates in place, name replaces", () => {
    const cluster = { name: "agents", version: "1.33", roleArn: "arn:aws:iam::1:role/eks", vpcConfig: { subnetIds: ["a", "b"] } };
    expect(forcesReplacement("aws:eks/cluster:Cluster", cluster, ["version"])).toEqual([]);
    expect(forcesReplacement("aws:eks/cluster:Cluster", cluster, ["name"])).toEqual(["name"]);
    expect(forcesReplacement("aws:eks/cluster:Cluster", cluster, ["vpcConfig.subnetIds[1]"])).toEqual([]);
  });

  it("EKS cluster: removing encryptionConfig replaces, adding it does not", () => {
    const encryption = { provider: { keyArn: "k" }, resources: ["secrets"] };
    expect(forcesReplacement("aws:eks/cluster:Cluster", { name: "a" }, ["encryptionConfig"], { before: { name: "a", encryptionConfig: encryption } })).toEqual([
      "encryptionConfig",
    ]);
    expect(forcesReplacement("aws:eks/cluster:Cluster", { name: "a", encryptionConfig: encryption }, ["encryptionConfig"], { before: { name: "a" } })).toEqual([]);
  });

  it("subnet: availabilityZoneId and cidrBlock replace", () => {
    const subnet = { vpcId: "vpc-1", availabilityZoneId: "use1-az2", cidrBlock: "10.0.2.0/24", mapPublicIpOnLaunch: false };
    expect(forcesReplacement("aws:ec2/subnet:Subnet", subnet, ["availabilityZoneId", "cidrBlock", "mapPublicIpOnLaunch", "tags.Name"])).toEqual([
      "availabilityZoneId",
      "cidrBlock",
    ]);
  });

  it("node group: subnetIds and instanceTypes replace, scalingConfig.desiredSize does not", () => {
    const nodeGroup = { clusterName: "agents", subnetIds: ["a", "c"], instanceTypes: ["m7i.large"], scalingConfig: { desiredSize: 4, minSize: 2, maxSize: 6 } };
    expect(forcesReplacement("aws:eks/nodeGroup:NodeGroup", nodeGroup, ["subnetIds[1]"])).toEqual(["subnetIds[1]"]);
    expect(forcesReplacement("aws:eks/nodeGroup:NodeGroup", nodeGroup, ["instanceTypes[0]"])).toEqual(["instanceTypes[0]"]);
    expect(forcesReplacement("aws:eks/nodeGroup:NodeGroup", nodeGroup, ["scalingConfig.desiredSize"])).toEqual([]);
  });

  it("KMS key: keyUsage replaces, policy does not", () => {
    const key = { keyUsage: "SIGN_VERIFY", policy: "{}" };
    expect(forcesReplacement("aws:kms/key:Key", key, ["keyUsage"])).toEqual(["keyUsage"]);
    expect(forcesReplacement("aws:kms/key:Key", key, ["policy", "enableKeyRotation"])).toEqual([]);
  });

  it("access entry: principalArn replaces", () => {
    expect(forcesReplacement("aws:eks/accessEntry:AccessEntry", { clusterName: "a", principalArn: "arn:b" }, ["principalArn", "kubernetesGroups[0]"])).toEqual([
      "principalArn",
    ]);
  });

  it("addon: addonVersion updates in place, addonName replaces", () => {
    const addon = { clusterName: "agents", addonName: "vpc-cni", addonVersion: "v1.20.0-eksbuild.1" };
    expect(forcesReplacement("aws:eks/addon:Addon", addon, ["addonVersion", "configurationValues"])).toEqual([]);
    expect(forcesReplacement("aws:eks/addon:Addon", addon, ["addonName"])).toEqual(["addonName"]);
  });

  it("a changed region replaces a regional resource; IAM has no region", () => {
    expect(forcesReplacement("aws:s3/bucket:Bucket", { region: "eu-west-1" }, ["region"])).toEqual(["region"]);
    expect(PROVIDER_REPLACEMENTS["aws:iam/role:Role"].paths).not.toContain("region");
  });

  it("security group rules: security_group_id and a change of source type replace, a new CIDR does not", () => {
    const type = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const rule = { securityGroupId: "sg-1", ipProtocol: "tcp", referencedSecurityGroupId: "sg-2" };
    expect(forcesReplacement(type, rule, ["securityGroupId"])).toEqual(["securityGroupId"]);
    expect(forcesReplacement(type, rule, ["cidrIpv4", "referencedSecurityGroupId"])).toEqual(["cidrIpv4", "referencedSecurityGroupId"]);
    expect(forcesReplacement(type, { ...rule, referencedSecurityGroupId: undefined, cidrIpv4: "10.1.0.0/16" }, ["cidrIpv4"], { before: { ...rule, referencedSecurityGroupId: undefined, cidrIpv4: "10.0.0.0/16" } })).toEqual([]);
  });

  it("a security group's description is force-new", () => {
    expect(forcesReplacement("aws:ec2/securityGroup:SecurityGroup", { description: "new" }, ["description", "ingress[0].cidrBlocks[0]"])).toEqual(["description"]);
  });
});

describe("Vault, random and provider resources", () => {
  it("a Vault auth backend's path remounts in place unless remounting is disabled", () => {
    expect(forcesReplacement("vault:index/authBackend:AuthBackend", { type: "kubernetes", path: "k8s" }, ["path"])).toEqual([]);
    expect(forcesReplacement("vault:index/authBackend:AuthBackend", { type: "kubernetes", path: "k8s", disableRemount: true }, ["path"])).toEqual(["path"]);
    expect(forcesReplacement("vault:index/mount:Mount", { type: "transit", path: "t" }, ["path", "type"])).toEqual(["type"]);
  });

  it("any change to a random password's arguments replaces it", () => {
    expect(forcesReplacement("random:index/randomPassword:RandomPassword", { length: 40 }, ["length", "special", "keepers.rotation"])).toEqual([
      "length",
      "special",
      "keepers.rotation",
    ]);
  });

  it("provider configuration does not replace, except the kubernetes provider's identity", () => {
    expect(forcesReplacement("pulumi:providers:aws", { region: "us-west-2" }, ["region"])).toEqual([]);
    expect(forcesReplacement("pulumi:providers:vault", { address: "https://v" }, ["address"])).toEqual([]);
    expect(forcesReplacement("pulumi:providers:kubernetes", { renderYamlToDirectory: "x" }, ["renderYamlToDirectory", "namespace"])).toEqual([
      "renderYamlToDirectory",
    ]);
  });

  it("an unknown type has no rule", () => {
    expect(replacementRuleFor("aws:ec2/route:Route")).toBeUndefined();
    expect(forcesReplacement("aws:ec2/route:Route", {}, ["destinationCidrBlock"])).toEqual([]);
  });
});

describe("coverage", () => {
  const declared = [
    "aws:cloudwatch/logGroup:LogGroup", "aws:ec2/eip:Eip", "aws:ec2/flowLog:FlowLog", "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/natGateway:NatGateway", "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc", "aws:eks/accessEntry:AccessEntry",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws:eks/addon:Addon", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/alias:Alias", "aws:kms/key:Key", "aws:s3/bucket:Bucket",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketVersioning:BucketVersioning",
    "aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:rds/instance:Instance", "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:elasticache/user:User", "aws:elasticache/userGroup:UserGroup", "aws:codebuild/project:Project", "aws:ec2/vpcEndpoint:VpcEndpoint",
    "vault:index/audit:Audit", "vault:index/mount:Mount", "vault:index/authBackend:AuthBackend", "vault:index/policy:Policy",
    "vault:transit/secretBackendKey:SecretBackendKey", "vault:kubernetes/authBackendConfig:AuthBackendConfig",
    "vault:kubernetes/authBackendRole:AuthBackendRole", "vault:identity/entity:Entity", "vault:identity/entityAlias:EntityAlias",
    "random:index/randomPassword:RandomPassword", "kubernetes:helm.sh/v3:Release", "pulumi:providers:*",
  ];

  it.each(declared)("%s has a rule with a source", (type) => {
    const rule = PROVIDER_REPLACEMENTS[type];
    expect(rule).toBeDefined();
    expect(rule.source.length).toBeGreaterThan(20);
    expect(Array.isArray(rule.paths)).toBe(true);
  });

  it("every Kubernetes rule names its source, and the all-kinds rule is metadata.name/namespace", () => {
    expect(KUBERNETES_REPLACEMENTS["*"].paths).toEqual(["metadata.name", "metadata.namespace"]);
    for (const rule of Object.values(KUBERNETES_REPLACEMENTS)) expect(rule.source).toMatch(/pulumi-kubernetes provider\/pkg\/provider\/diff\.go/);
  });

  it("rule paths are camelCase input names, never Terraform snake_case", () => {
    for (const rule of [...Object.values(PROVIDER_REPLACEMENTS), ...Object.values(KUBERNETES_REPLACEMENTS)]) {
      for (const p of rule.paths) expect(p).not.toMatch(/_/);
    }
  });

  it("every bridged rule path starts with an input the pinned SDK declares (node_modules/@pulumi/<pkg>/<module>.d.ts Args)", () => {
    for (const [type, rule] of Object.entries(PROVIDER_REPLACEMENTS)) {
      const match = /^(aws|vault|random):([^:]+):[A-Za-z]+$/.exec(type);
      if (!match) continue;
      const file = path.join(__dirname, "../../../node_modules/@pulumi", match[1], `${match[2].replace(/^index\//, "")}.d.ts`);
      const args = /export interface [A-Za-z]+Args \{([\s\S]*?)\n\}/.exec(fs.readFileSync(file, "utf8"))?.[1] ?? "";
      const inputs = new Set([...args.matchAll(/^ {4}([a-zA-Z0-9]+)\??:/gm)].map((m) => m[1]));
      const conditional = (rule.conditional ?? []).flatMap((c) => c.path.split("|"));
      for (const p of [...rule.paths, ...conditional]) expect([type, inputs.has(p.split(/[.[]/)[0])]).toEqual([type, true]);
    }
  });
});
