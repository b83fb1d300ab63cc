import { ResourceValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { forTypes } from "./k8s";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const CACHE_USER = "aws:elasticache/user:User";
/** The ports of the data stores: rules opening them must name a security group, not addresses. */
const DATA_PORTS = [5432, 6379];

/**
 * Whether a property is set. A value unknown in a preview is one computed from another resource (a
 * key's ARN, a group's ID): it is set, and the rule can decide without waiting for it.
 */
function present(props: Record<string, unknown>, key: string): boolean {
  try {
    const value = props[key];
    return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
  } catch (error) {
    if (error instanceof UnknownValueError) return true;
    throw error;
  }
}

export const databaseHardened: ResourceValidationPolicy = {
  name: "database-hardened",
  description: "DATA-01: an RDS database is encrypted with a KMS key, Multi-AZ, private, protected from deletion, and keeps backups and a final snapshot.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([RDS_INSTANCE], (props, args, report) => {
    const db = `RDS instance ${props.identifier ?? args.name}`;
    if (props.storageEncrypted !== true || !present(props, "kmsKeyId")) report(`${db} is not encrypted with a customer-managed key: set storageEncrypted: true and kmsKeyId.`);
    if (props.multiAz !== true) report(`${db} is single-AZ: set multiAz: true.`);
    if (props.publiclyAccessible === true) report(`${db} is publicly accessible: set publiclyAccessible: false.`);
    if (props.deletionProtection !== true) report(`${db} can be deleted: set deletionProtection: true.`);
    if (!(Number(props.backupRetentionPeriod) >= 7)) report(`${db} keeps less than 7 days of point-in-time recovery: set backupRetentionPeriod to 7 or more.`);
    if (props.skipFinalSnapshot !== false) report(`${db} skips its final snapshot: set skipFinalSnapshot: false and a finalSnapshotIdentifier.`);
  }),
};

export const databaseNoStaticPassword: ResourceValidationPolicy = {
  name: "database-no-static-password",
  description: "DATA-02: no RDS database takes a password argument; RDS manages the master credential and clients use IAM authentication.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([RDS_INSTANCE], (props, args, report) => {
    const db = `RDS instance ${props.identifier ?? args.name}`;
    if (present(props, "password") || present(props, "passwordWo")) report(`${db} is given a password: remove it and set manageMasterUserPassword: true.`);
    else if (props.manageMasterUserPassword !== true && props.replicateSourceDb === undefined) report(`${db} does not let RDS manage its master password: set manageMasterUserPassword: true.`);
    if (props.iamDatabaseAuthenticationEnabled !== true) report(`${db} does not accept IAM authentication: set iamDatabaseAuthenticationEnabled: true.`);
  }),
};

export const databaseTlsRequired: ResourceValidationPolicy = {
  name: "database-tls-required",
  description: "DATA-01: every PostgreSQL parameter group the program declares requires TLS (rds.force_ssl = 1).",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:rds/parameterGroup:ParameterGroup"], (props, args, report) => {
    if (!String(props.family ?? "").startsWith("postgres")) args.notApplicable("not a PostgreSQL parameter group");
    const forceSsl = ((props.parameters ?? []) as any[]).find((p) => p?.name === "rds.force_ssl");
    if (String(forceSsl?.value) !== "1") report(`RDS parameter group ${props.name ?? args.name} accepts plaintext connections: set rds.force_ssl to 1.`);
  }),
};

export const cacheHardened: ResourceValidationPolicy = {
  name: "cache-hardened",
  description: "DATA-03: an ElastiCache replication group requires TLS, is encrypted at rest with a KMS key, authenticates users, and fails over across zones.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([REPLICATION_GROUP], (props, args, report) => {
    const group = `ElastiCache replication group ${props.replicationGroupId ?? args.name}`;
    if (props.transitEncryptionEnabled !== true || props.transitEncryptionMode === "preferred") {
      report(`${group} accepts connections without TLS: set transitEncryptionEnabled: true and transitEncryptionMode: "required".`);
    }
    if (props.atRestEncryptionEnabled !== true || !present(props, "kmsKeyId")) report(`${group} is not encrypted at rest with a customer-managed key: set atRestEncryptionEnabled: true and kmsKeyId.`);
    if (!present(props, "userGroupIds")) report(`${group} authenticates no one: attach an RBAC user group (userGroupIds).`);
    if (present(props, "authToken") || present(props, "authTokenWo")) report(`${group} is given an AUTH token: remove it and authenticate RBAC users with IAM.`);
    if (props.automaticFailoverEnabled !== true || props.multiAzEnabled !== true) report(`${group} does not fail over across zones: set automaticFailoverEnabled: true and multiAzEnabled: true.`);
  }),
};

export const cacheUserNoPassword: ResourceValidationPolicy = {
  name: "cache-user-no-password",
  description: "DATA-02: ElastiCache users authenticate with IAM; a user without a password must be switched off.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([CACHE_USER], (props, args, report) => {
    const user = `ElastiCache user ${props.userId ?? args.name}`;
    const type = props.authenticationMode?.type ?? (props.noPasswordRequired ? "no-password-required" : "password");
    if (present(props, "passwords") || present(props, "passwordsWo") || type === "password") report(`${user} authenticates with a password: use authenticationMode { type: "iam" }.`);
    else if (type === "no-password-required" && !/^off\b/.test(String(props.accessString ?? ""))) report(`${user} needs no password and is enabled: switch it off ("off -@all") or use IAM.`);
  }),
};

export const dataStoreIngressBySecurityGroup: ResourceValidationPolicy = {
  name: "data-store-ingress-by-security-group",
  description: "DATA-04: a security group rule opening a data store's port admits a security group, never an address range.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"], (props, args, report) => {
    const from = Number(props.fromPort);
    const to = Number(props.toPort ?? props.fromPort);
    const opens = String(props.ipProtocol) === "-1" || DATA_PORTS.some((port) => port >= from && port <= to);
    if (!opens) args.notApplicable("opens no data store port");
    if (!present(props, "referencedSecurityGroupId") || present(props, "cidrIpv4") || present(props, "cidrIpv6") || present(props, "prefixListId")) {
      report(`Security group rule ${args.name} opens a data store port to addresses: admit the platform API's security group (referencedSecurityGroupId) only.`);
    }
  }),
};

export const DATA_POLICIES = [databaseHardened, databaseNoStaticPassword, databaseTlsRequired, cacheHardened, cacheUserNoPassword, dataStoreIngressBySecurityGroup];
