import { planSubnets } from "../cluster/network";
import { platformApiPolicyRules } from "../vault/policies";
import type { AccountContext } from "../cluster/kms";
import { apiDataAccessPolicy, tierRules } from "./access";
import { buildApiUserArgs, buildDisabledDefaultUserArgs, buildReplicationGroupArgs } from "./cache";
import { buildDataEnv } from "./connection";
import { buildDatabaseArgs, buildParameterGroupArgs } from "./database";
import { DATA_TIER_DEFAULTS } from "./defaults";
import { dataKeyPolicy } from "./kms";
import { buildSecurityGroupPolicy, dataTierEgress, privateBlocks } from "./network";
import { dataTierProblems, validateDataTierArgs } from "./validate";

const ctx: AccountContext = {
  accountId: "123456789012",
  partition: "aws",
  region: "eu-west-1",
  deployerArn: "arn:aws:iam::123456789012:role/deployer",
  adminArns: ["arn:aws:iam::123456789012:role/admins"],
};
const SETTINGS = structuredClone(DATA_TIER_DEFAULTS) as unknown as Parameters<typeof validateDataTierArgs>[1];
const REFS = { keyArn: "arn:k", subnetGroupName: "sn", parameterGroupName: "pg", securityGroupId: "sg-db" };

describe("data tier building blocks", () => {
  it("DATA-01 DATA-03 lets the data key be used only through RDS, ElastiCache and Secrets Manager, by this account", () => {
    const policy = dataKeyPolicy(ctx);
    const use = policy.Statement.find((s) => s.Sid === "DataStoreEncryption")!;
    expect(use).toEqual({
      Sid: "DataStoreEncryption",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": ["rds.eu-west-1.amazonaws.com", "elasticache.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"],
          "kms:CallerAccount": "123456789012",
        },
      },
    });
    expect(policy.Statement.find((s) => s.Sid === "DataStoreGrants")!.Condition!.Bool).toEqual({ "kms:GrantIsForAWSResource": "true" });
    // Every statement that lets anyone (`*`) use the key is bound to the services and the account.
    const open = policy.Statement.filter((s) => JSON.stringify(s.Principal) === '{"AWS":"*"}');
    expect(open.map((s) => s.Sid)).toEqual(["DataStoreEncryption", "DataStoreGrants"]);
    expect(open.every((s) => s.Condition?.StringEquals?.["kms:CallerAccount"] === "123456789012")).toBe(true);
  });

  it("DATA-01 requires TLS and builds a database without any password argument", () => {
    expect(buildParameterGroupArgs("prod").parameters).toEqual([{ name: "rds.force_ssl", value: "1" }]);
    const db = buildDatabaseArgs("prod", SETTINGS.database, REFS);
    expect(Object.keys(db).filter((k) => /password/i.test(k))).toEqual(["manageMasterUserPassword"]);
    expect([db.manageMasterUserPassword, db.masterUserSecretKmsKeyId, db.kmsKeyId, db.performanceInsightsKmsKeyId]).toEqual([true, "arn:k", "arn:k", "arn:k"]);
  });

  it("DATA-03 builds Redis users that cannot log in with a password, and a group that requires TLS", () => {
    expect(buildDisabledDefaultUserArgs("prod")).toEqual({
      userId: "prod-default",
      userName: "default",
      engine: "redis",
      accessString: "off -@all",
      authenticationMode: { type: "no-password-required" },
    });
    // IAM authentication requires the user id and the user name to be equal (CreateUser refuses otherwise).
    const api = buildApiUserArgs("prod");
    expect([api.userId, api.userName, api.authenticationMode]).toEqual(["prod-api", "prod-api", { type: "iam" }]);
    const group = buildReplicationGroupArgs("prod", SETTINGS.cache, { keyArn: "arn:k", subnetGroupName: "sn", securityGroupId: "sg-c", userGroupId: "ug" });
    expect(group).not.toHaveProperty("authToken");
    expect([group.transitEncryptionMode, group.userGroupIds, group.numCacheClusters]).toEqual(["required", ["ug"], 2]);
  });

  it("DATA-04 admits each store's port from the API's group only, and lets that group reach nothing else", () => {
    const rules = tierRules({ api: "sg-api", database: "sg-db", cache: "sg-cache" });
    expect(Object.values(rules.ingress).map((r) => [r.securityGroupId, r.referencedSecurityGroupId, r.port])).toEqual([
      ["sg-db", "sg-api", 5432],
      ["sg-cache", "sg-api", 6379],
    ]);
    expect(Object.values(rules.egress).map((r) => [r.securityGroupId, r.referencedSecurityGroupId, r.port])).toEqual([
      ["sg-api", "sg-db", 5432],
      ["sg-api", "sg-cache", 6379],
    ]);
    expect(buildSecurityGroupPolicy("platform-api", "platform-api", { app: "platform-api" }, ["sg-api", "sg-cluster"]).spec).toEqual({
      podSelector: { matchLabels: { app: "platform-api" } },
      securityGroups: { groupIds: ["sg-api", "sg-cluster"] },
    });
  });

  it("DATA-04 names the private subnets, every one the foundation plans and no public one, in the API's egress", () => {
    expect(privateBlocks("10.40.0.0/16")).toEqual({ cidr: "10.40.0.0/16", except: ["10.40.224.0/19"] });
    const plan = planSubnets("10.40.0.0/16", ["a", "b", "c", "d", "e", "f", "g"]);
    const inside = (cidr: string) => cidr.startsWith("10.40.") && Number(cidr.split(".")[2]) < 224;
    expect(plan.every((p) => inside(p.privateCidr) && !inside(p.publicCidr))).toBe(true);
    expect(dataTierEgress("10.40.0.0/16")).toEqual([
      { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
      { to: [{ ipBlock: { cidr: "10.40.0.0/16", except: ["10.40.224.0/19"] } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 6379 }] },
    ]);
    expect(() => privateBlocks("10.40.0.0")).toThrow("privateBlocks: 10.40.0.0 is not a CIDR block");
  });

  it("DATA-02 grants the API's role rds-db:connect for its own user and elasticache:Connect for its own cache and user only", () => {
    const policy = JSON.parse(
      apiDataAccessPolicy({
        partition: "aws",
        region: "eu-west-1",
        accountId: "123456789012",
        databaseResourceId: "db-ABC",
        replicationGroupArn: "arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:prod-sessions",
        cacheUserArn: "arn:aws:elasticache:eu-west-1:123456789012:user:prod-api",
      }),
    );
    expect(policy.Statement.map((s: any) => [s.Action, s.Resource])).toEqual([
      [["rds-db:connect"], ["arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABC/platform_api"]],
      [["elasticache:Connect"], ["arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:prod-sessions", "arn:aws:elasticache:eu-west-1:123456789012:user:prod-api"]],
    ]);
    const env = buildDataEnv({ region: "eu-west-1", databaseHost: "db.example", cacheHost: "cache.example", cacheName: "prod-sessions", cacheUser: "prod-api" });
    expect(env.filter((e) => /PASSWORD|SECRET|TOKEN/.test(e.name))).toEqual([]);
    expect(env.find((e) => e.name === "DATABASE_SSLMODE")!.value).toBe("verify-full");
    // APP-04: the key the API is told to encrypt credentials with is the one its Vault policy allows.
    const transit = `${env.find((e) => e.name === "VAULT_TRANSIT_MOUNT")!.value}/encrypt/${env.find((e) => e.name === "VAULT_TRANSIT_KEY")!.value}`;
    expect(platformApiPolicyRules().map((r) => r.path)).toContain(transit);
  });

  it("refuses a cluster name too long or malformed for the tier's identifiers, and storage that cannot grow, naming the field", () => {
    expect(dataTierProblems("agent-platform-prod", SETTINGS)).toEqual([]);
    const long = "a".repeat(35);
    expect(dataTierProblems(long, SETTINGS)).toEqual([
      `clusterName: the replication group id ${long}-sessions is longer than 40 characters: shorten the cluster name`,
    ]);
    expect(dataTierProblems("Prod_1", SETTINGS)).toEqual([
      "clusterName: Prod_1 must be lower-case letters, digits and single hyphens, starting with a letter, to name the replication group",
    ]);
    const shrink = { ...SETTINGS, database: { ...SETTINGS.database, maxAllocatedStorageGiB: 20 } };
    expect(() => validateDataTierArgs("prod", shrink)).toThrow("DataTier: database.maxAllocatedStorageGiB: must be at least database.allocatedStorageGiB (50), got 20");
  });
});
