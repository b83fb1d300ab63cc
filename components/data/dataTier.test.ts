import { ProgramRun, runProgram } from "../../scripts/engine/run";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/data-key-key-id";

/** The prod stack under the mock engine: the data tier exactly as `pulumi up` would declare it. */
describe("the data tier of the prod plan", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });
  const find = (type: string, name: string) => run.findResource(type, name);

  it("DATA-01 declares a Multi-AZ, private, encrypted, protected PostgreSQL with PITR backups and a final snapshot", () => {
    const db = find("aws:rds/instance:Instance", "data-database");
    expect(db.inputs).toMatchObject({
      identifier: "agent-platform-prod-platform",
      engine: "postgres",
      engineVersion: "17.6",
      multiAz: true,
      publiclyAccessible: false,
      storageEncrypted: true,
      kmsKeyId: KEY_ARN,
      deletionProtection: true,
      backupRetentionPeriod: 14,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "agent-platform-prod-platform-final",
      deleteAutomatedBackups: false,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: KEY_ARN,
      autoMinorVersionUpgrade: false,
      applyImmediately: false,
      maintenanceWindow: "sun:04:30-sun:05:30",
      dbSubnetGroupName: "agent-platform-prod-platform-private",
      parameterGroupName: "agent-platform-prod-platform-pg17",
      vpcSecurityGroupIds: ["data-database-id"],
    });
    expect(db.options.protect).toBe(true);
    expect(find("aws:rds/parameterGroup:ParameterGroup", "data-database-parameters").inputs).toMatchObject({
      family: "postgres17",
      parameters: [{ name: "rds.force_ssl", value: "1" }],
    });
    // The subnet group holds exactly the foundation's private subnets.
    const subnets = find("aws:rds/subnetGroup:SubnetGroup", "data-database-subnets").inputs.subnetIds as string[];
    expect(subnets.length).toBe(3);
    expect(subnets.every((id) => id.includes("private"))).toBe(true);
    const key = find("aws:kms/key:Key", "data-key");
    expect([key.inputs.enableKeyRotation, key.options.protect]).toEqual([true, true]);
    expect(find("aws:kms/alias:Alias", "data-key").inputs.name).toBe("alias/agent-platform-prod-data");
  });

  it("DATA-02 holds no database or Redis password in any input, output or config value", () => {
    const db = find("aws:rds/instance:Instance", "data-database").inputs;
    expect([db.manageMasterUserPassword, db.masterUserSecretKmsKeyId, db.iamDatabaseAuthenticationEnabled]).toEqual([true, KEY_ARN, true]);
    expect(db).not.toHaveProperty("password");
    expect(db).not.toHaveProperty("passwordWo");
    const cache = find("aws:elasticache/replicationGroup:ReplicationGroup", "data-cache").inputs;
    expect(cache).not.toHaveProperty("authToken");
    for (const user of run.findResources("aws:elasticache/user:User")) {
      expect(user.inputs).not.toHaveProperty("passwords");
      expect(user.inputs).not.toHaveProperty("passwordsWo");
    }
    expect(find("aws:elasticache/user:User", "data-cache-api-user").inputs.authenticationMode).toEqual({ type: "iam" });
    expect(find("aws:elasticache/user:User", "data-cache-default-user").inputs).toMatchObject({ userName: "default", accessString: "off -@all" });
    // Nothing the tier declares or the stack exports carries a password-like key or a secret value.
    const tier = run.resources.filter((r) => r.urn.includes("DataTier"));
    expect(tier.length).toBeGreaterThan(15);
    expect(JSON.stringify(tier.map((r) => r.inputs))).not.toMatch(/"(password|passwords|authToken|masterPassword)"/i);
    expect(JSON.stringify(run.outputs)).not.toMatch(/password/i);
  });

  it("DATA-02 DATA-04 lets only the platform API's Pod Identity role connect, as its own users", () => {
    const role = find("aws:iam/role:Role", "data-platform-api");
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(trust.Statement[0].Condition.StringEquals).toMatchObject({
      "aws:RequestTag/kubernetes-namespace": "platform-api",
      "aws:RequestTag/kubernetes-service-account": "platform-api",
    });
    expect(JSON.parse(find("aws:iam/rolePolicy:RolePolicy", "data-platform-api-data").inputs.policy).Statement).toEqual([
      {
        Sid: "DatabaseIamAuthentication",
        Effect: "Allow",
        Action: ["rds-db:connect"],
        Resource: ["arn:aws:rds-db:us-east-1:123456789012:dbuser:db-MOCKRESOURCEID/platform_api"],
      },
      {
        Sid: "CacheIamAuthentication",
        Effect: "Allow",
        Action: ["elasticache:Connect"],
        Resource: [
          "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:agent-platform-prod-sessions",
          "arn:aws:elasticache:us-east-1:123456789012:user:agent-platform-prod-api",
        ],
      },
    ]);
    expect(find("aws:eks/podIdentityAssociation:PodIdentityAssociation", "data-platform-api").inputs).toMatchObject({
      namespace: "platform-api",
      serviceAccount: "platform-api",
    });
  });

  it("DATA-03 declares a Multi-AZ Valkey replication group with TLS required, a customer-managed key and IAM-authenticated users", () => {
    const cache = find("aws:elasticache/replicationGroup:ReplicationGroup", "data-cache");
    expect(cache.inputs).toMatchObject({
      replicationGroupId: "agent-platform-prod-sessions",
      engine: "valkey",
      engineVersion: "8.0",
      numCacheClusters: 3,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      kmsKeyId: KEY_ARN,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      userGroupIds: ["agent-platform-prod-sessions-users"],
      subnetGroupName: "agent-platform-prod-sessions-private",
      securityGroupIds: ["data-cache-id"],
    });
    expect(cache.options.protect).toBe(true);
    expect(find("aws:elasticache/userGroup:UserGroup", "data-cache-users").inputs.userIds).toEqual(["agent-platform-prod-default", "agent-platform-prod-api"]);
  });

  it("DATA-04 admits into the stores only the security group the platform API's pods alone carry", () => {
    const ingress = run.findResources("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.urn.includes("DataTier"));
    expect(ingress.map((r) => [r.name, r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      ["data-database-from-api", "data-database-id", "data-platform-api-id", 5432, 5432],
      ["data-cache-from-api", "data-cache-id", "data-platform-api-id", 6379, 6379],
    ]);
    expect(ingress.every((r) => r.inputs.cidrIpv4 === undefined && r.inputs.cidrIpv6 === undefined && r.inputs.prefixListId === undefined)).toBe(true);
    const policies = run.findResources("kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy");
    expect(policies.map((p) => [p.inputs.metadata.namespace, p.inputs.spec])).toEqual([
      ["platform-api", { podSelector: { matchLabels: { app: "platform-api" } }, securityGroups: { groupIds: ["data-platform-api-id", "sg-0eksclustermock"] } }],
    ]);
    // The Deployment is created after the policy: the VPC CNI gives a pod its groups at creation.
    const deployment = find("kubernetes:apps/v1:Deployment", "mesh-platform-api");
    expect(deployment.options.dependsOn).toContain(policies[0].urn);
  });

  it("DATA-02 hands the API its connection facts as plain settings, none of them secret", () => {
    const env = find("kubernetes:apps/v1:Deployment", "mesh-platform-api").inputs.spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: "PORT", value: "8080" },
      { name: "AWS_REGION", value: "us-east-1" },
      { name: "DATABASE_HOST", value: "agent-platform-prod-platform.cmockdb.us-east-1.rds.amazonaws.com" },
      { name: "DATABASE_PORT", value: "5432" },
      { name: "DATABASE_NAME", value: "platform" },
      { name: "DATABASE_USER", value: "platform_api" },
      { name: "DATABASE_AUTH", value: "iam" },
      { name: "DATABASE_SSLMODE", value: "verify-full" },
      { name: "REDIS_HOST", value: "master.agent-platform-prod-sessions.mock.use1.cache.amazonaws.com" },
      { name: "REDIS_PORT", value: "6379" },
      { name: "REDIS_USER", value: "agent-platform-prod-api" },
      { name: "REDIS_AUTH", value: "iam" },
      { name: "REDIS_CACHE_NAME", value: "agent-platform-prod-sessions" },
      { name: "REDIS_TLS", value: "true" },
      { name: "VAULT_TRANSIT_MOUNT", value: "transit" },
      { name: "VAULT_TRANSIT_KEY", value: "platform-credentials" },
    ]);
    expect(env.some((e: any) => e.valueFrom)).toBe(false);
  });
});
