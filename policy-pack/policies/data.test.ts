import { UNKNOWN } from "../../scripts/engine/mocks";
import { clone, messages, resource } from "../fixtures";
import { runPolicies } from "../testing";
import { cacheHardened, cacheUserNoPassword, dataStoreIngressBySecurityGroup, databaseHardened, databaseNoStaticPassword, databaseTlsRequired } from "./data";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/data";

/** The database as components/data declares it. */
const DATABASE = {
  identifier: "prod-platform",
  engine: "postgres",
  storageEncrypted: true,
  kmsKeyId: KEY_ARN,
  multiAz: true,
  publiclyAccessible: false,
  deletionProtection: true,
  backupRetentionPeriod: 14,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: "prod-platform-final",
  username: "platform_admin",
  manageMasterUserPassword: true,
  iamDatabaseAuthenticationEnabled: true,
};
const CACHE = {
  replicationGroupId: "prod-sessions",
  transitEncryptionEnabled: true,
  transitEncryptionMode: "required",
  atRestEncryptionEnabled: true,
  kmsKeyId: KEY_ARN,
  userGroupIds: ["prod-sessions-users"],
  automaticFailoverEnabled: true,
  multiAzEnabled: true,
};
const db = (inputs: Record<string, unknown>) => resource("aws:rds/instance:Instance", { ...clone(DATABASE), ...inputs }, { protect: true }, "data-database");
const cache = (inputs: Record<string, unknown>) => resource("aws:elasticache/replicationGroup:ReplicationGroup", { ...clone(CACHE), ...inputs }, { protect: true }, "data-cache");
const user = (inputs: Record<string, unknown>) => resource("aws:elasticache/user:User", { userId: "prod-api", userName: "prod-api", engine: "redis", ...inputs }, {}, "data-user");
const rule = (inputs: Record<string, unknown>) =>
  resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { securityGroupId: "sg-db", ipProtocol: "tcp", fromPort: 5432, toPort: 5432, ...inputs }, {}, "data-rule");

describe("data tier policies", () => {
  it("DATA-01 passes the hardened database and fails an unencrypted, single-AZ, public, deletable one without backups", () => {
    expect(messages(databaseHardened, [db({})])).toEqual([]);
    expect(messages(databaseHardened, [db({ storageEncrypted: false }), db({ kmsKeyId: undefined })])).toEqual([
      "RDS instance prod-platform is not encrypted with a customer-managed key: set storageEncrypted: true and kmsKeyId.",
      "RDS instance prod-platform is not encrypted with a customer-managed key: set storageEncrypted: true and kmsKeyId.",
    ]);
    expect(messages(databaseHardened, [db({ multiAz: false })])).toEqual(["RDS instance prod-platform is single-AZ: set multiAz: true."]);
    expect(messages(databaseHardened, [db({ publiclyAccessible: true })])).toEqual(["RDS instance prod-platform is publicly accessible: set publiclyAccessible: false."]);
    expect(messages(databaseHardened, [db({ deletionProtection: false })])).toEqual(["RDS instance prod-platform can be deleted: set deletionProtection: true."]);
    expect(messages(databaseHardened, [db({ backupRetentionPeriod: 1 })])).toEqual([
      "RDS instance prod-platform keeps less than 7 days of point-in-time recovery: set backupRetentionPeriod to 7 or more.",
    ]);
    expect(messages(databaseHardened, [db({ skipFinalSnapshot: true })])).toEqual([
      "RDS instance prod-platform skips its final snapshot: set skipFinalSnapshot: false and a finalSnapshotIdentifier.",
    ]);
  });

  it("DATA-01 requires TLS in every PostgreSQL parameter group", () => {
    const group = (parameters: unknown[]) => resource("aws:rds/parameterGroup:ParameterGroup", { name: "prod-pg17", family: "postgres17", parameters }, {}, "pg");
    expect(messages(databaseTlsRequired, [group([{ name: "rds.force_ssl", value: "1" }])])).toEqual([]);
    expect(messages(databaseTlsRequired, [group([]), group([{ name: "rds.force_ssl", value: "0" }])])).toEqual([
      "RDS parameter group prod-pg17 accepts plaintext connections: set rds.force_ssl to 1.",
      "RDS parameter group prod-pg17 accepts plaintext connections: set rds.force_ssl to 1.",
    ]);
    expect(messages(databaseTlsRequired, [resource("aws:rds/parameterGroup:ParameterGroup", { name: "m", family: "mysql8.0", parameters: [] })])).toEqual([]);
  });

  it("DATA-02 fails a database given a password, or one whose password RDS does not manage, or without IAM authentication", () => {
    expect(messages(databaseNoStaticPassword, [db({})])).toEqual([]);
    expect(messages(databaseNoStaticPassword, [db({ password: "hunter22", manageMasterUserPassword: undefined }), db({ passwordWo: "x" })])).toEqual([
      "RDS instance prod-platform is given a password: remove it and set manageMasterUserPassword: true.",
      "RDS instance prod-platform is given a password: remove it and set manageMasterUserPassword: true.",
    ]);
    expect(messages(databaseNoStaticPassword, [db({ manageMasterUserPassword: false, iamDatabaseAuthenticationEnabled: false })])).toEqual([
      "RDS instance prod-platform does not let RDS manage its master password: set manageMasterUserPassword: true.",
      "RDS instance prod-platform does not accept IAM authentication: set iamDatabaseAuthenticationEnabled: true.",
    ]);
  });

  it("DATA-02 fails an ElastiCache user with a password, or an enabled one with none", () => {
    expect(messages(cacheUserNoPassword, [user({ accessString: "on ~* +@all", authenticationMode: { type: "iam" } })])).toEqual([]);
    expect(messages(cacheUserNoPassword, [user({ userName: "default", accessString: "off -@all", authenticationMode: { type: "no-password-required" } })])).toEqual([]);
    expect(
      messages(cacheUserNoPassword, [
        user({ accessString: "on ~* +@all", passwords: ["correct-horse-battery"] }),
        user({ accessString: "on ~* +@all", authenticationMode: { type: "password", passwords: ["p"] } }),
        user({ accessString: "on ~* +@all", authenticationMode: { type: "no-password-required" } }),
      ]),
    ).toEqual([
      'ElastiCache user prod-api authenticates with a password: use authenticationMode { type: "iam" }.',
      'ElastiCache user prod-api authenticates with a password: use authenticationMode { type: "iam" }.',
      'ElastiCache user prod-api needs no password and is enabled: switch it off ("off -@all") or use IAM.',
    ]);
  });

  it("DATA-03 passes the hardened replication group and fails each weakened variant", () => {
    expect(messages(cacheHardened, [cache({})])).toEqual([]);
    const tls = 'ElastiCache replication group prod-sessions accepts connections without TLS: set transitEncryptionEnabled: true and transitEncryptionMode: "required".';
    expect(messages(cacheHardened, [cache({ transitEncryptionEnabled: false }), cache({ transitEncryptionMode: "preferred" })])).toEqual([tls, tls]);
    expect(messages(cacheHardened, [cache({ atRestEncryptionEnabled: false })])).toEqual([
      "ElastiCache replication group prod-sessions is not encrypted at rest with a customer-managed key: set atRestEncryptionEnabled: true and kmsKeyId.",
    ]);
    expect(messages(cacheHardened, [cache({ kmsKeyId: undefined })])).toEqual([
      "ElastiCache replication group prod-sessions is not encrypted at rest with a customer-managed key: set atRestEncryptionEnabled: true and kmsKeyId.",
    ]);
    expect(messages(cacheHardened, [cache({ userGroupIds: [] })])).toEqual(["ElastiCache replication group prod-sessions authenticates no one: attach an RBAC user group (userGroupIds)."]);
    expect(messages(cacheHardened, [cache({ authToken: "a-long-static-token" })])).toEqual([
      "ElastiCache replication group prod-sessions is given an AUTH token: remove it and authenticate RBAC users with IAM.",
    ]);
    expect(messages(cacheHardened, [cache({ automaticFailoverEnabled: false }), cache({ multiAzEnabled: false })])).toEqual([
      "ElastiCache replication group prod-sessions does not fail over across zones: set automaticFailoverEnabled: true and multiAzEnabled: true.",
      "ElastiCache replication group prod-sessions does not fail over across zones: set automaticFailoverEnabled: true and multiAzEnabled: true.",
    ]);
  });

  it("DATA-04 fails a rule that opens a data store's port to addresses instead of the API's security group", () => {
    expect(messages(dataStoreIngressBySecurityGroup, [rule({ referencedSecurityGroupId: "sg-api" })])).toEqual([]);
    expect(messages(dataStoreIngressBySecurityGroup, [rule({ fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8" })])).toEqual([]);
    const open = "Security group rule data-rule opens a data store port to addresses: admit the platform API's security group (referencedSecurityGroupId) only.";
    expect(
      messages(dataStoreIngressBySecurityGroup, [
        rule({ cidrIpv4: "10.40.0.0/16" }),
        rule({ fromPort: 6379, toPort: 6379, prefixListId: "pl-1" }),
        rule({ ipProtocol: "-1", fromPort: undefined, toPort: undefined, cidrIpv4: "0.0.0.0/0" }),
        rule({ fromPort: 5000, toPort: 7000, cidrIpv6: "::/0" }),
      ]),
    ).toEqual([open, open, open, open]);
  });
  it("DATA-01 DATA-03 decide in a first preview: a key, group or password not yet known is still set", () => {
    const preview = [db({ kmsKeyId: UNKNOWN }), cache({ kmsKeyId: UNKNOWN }), rule({ referencedSecurityGroupId: UNKNOWN })];
    const run = runPolicies([databaseHardened, cacheHardened, dataStoreIngressBySecurityGroup], preview);
    expect([run.violations, run.undecided]).toEqual([[], []]);
    // The harness does treat the marker as unknown: a rule that must read the value waits for it.
    const group = resource("aws:rds/parameterGroup:ParameterGroup", { name: "pg", family: "postgres17", parameters: [{ name: "rds.force_ssl", value: UNKNOWN }] });
    expect(runPolicies([databaseTlsRequired], [group]).undecided.map((u) => u.policy)).toEqual(["database-tls-required"]);
    // A generated password is a password, known or not.
    expect(messages(databaseNoStaticPassword, [db({ password: UNKNOWN })])).toEqual([
      "RDS instance prod-platform is given a password: remove it and set manageMasterUserPassword: true.",
    ]);
  });
});
