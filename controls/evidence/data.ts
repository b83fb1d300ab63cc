import { Evidence } from "../types";

const DATA = "components/data";
const UNIT = `${DATA}/data.unit.test.ts`;
const PROGRAM = `${DATA}/dataTier.test.ts`;
const NETWORK = "test/network.test.ts";

const component = (file: string, symbol: string) => ({ kind: "component" as const, file: `${DATA}/${file}`, symbol });

const KEY = { file: UNIT, test: "DATA-01 DATA-03 lets the data key be used only through RDS, ElastiCache and Secrets Manager, by this account" };
const CONFIG = { file: "config/config.test.ts", test: "DATA-01 DATA-03 give the data tier its documented defaults, and refuse sizes, retention and windows outside the rules, naming each field" };
const ROLE = { file: PROGRAM, test: "DATA-02 DATA-04 lets only the platform API's Pod Identity role connect, as its own users" };
// An existing cluster's operator-run stores (dataTier.external).
const EXTERNAL = `${DATA}/external.test.ts`;
const EXTERNAL_CONFIG = "config/externalDataTier.test.ts";
const EXTERNAL_SCHEMA = { kind: "config" as const, file: "config/dataTierSchema.ts", symbol: "externalDataTierSchema" };
const EXTERNAL_VALID = { file: EXTERNAL_CONFIG, test: "DATA-02 DATA-04 takes the operator's stores' hosts, users and private ranges, with the default ports and database name" };
const EXTERNAL_REFUSED = { file: EXTERNAL_CONFIG, test: "DATA-02 DATA-04 refuses hosts, ports, names, users and ranges outside the rules, and any password key, naming each field" };

/**
 * The platform API's data tier (components/data): what its declarations enforce, and the tests that
 * fail without them. The pack's data rules are in policy.ts, with the pack's other rules.
 */
export const dataEvidence: Evidence[] = [
  {
    control: "DATA-01",
    enforcedBy: [
      component("database.ts", "multiAz: true"),
      component("database.ts", "storageEncrypted: true"),
      component("database.ts", "publiclyAccessible: false"),
      component("database.ts", "deletionProtection: true"),
      component("database.ts", "skipFinalSnapshot: false"),
      component("database.ts", '{ name: "rds.force_ssl", value: "1" }'),
      component("database.ts", "performanceInsightsKmsKeyId: refs.keyArn"),
      component("kms.ts", "dataKeyPolicy"),
      component("dataTier.ts", "protect: true"),
      { kind: "config", file: "config/dataTierSchema.ts", symbol: "must be at least 7 (DATA-01" },
    ],
    provenBy: [
      KEY,
      { file: UNIT, test: "DATA-01 requires TLS and builds a database without any password argument" },
      { file: PROGRAM, test: "DATA-01 declares a Multi-AZ, private, encrypted, protected PostgreSQL with PITR backups and a final snapshot" },
      CONFIG,
    ],
  },
  {
    control: "DATA-02",
    enforcedBy: [
      component("database.ts", "manageMasterUserPassword: true"),
      component("database.ts", "iamDatabaseAuthenticationEnabled: true"),
      component("cache.ts", 'authenticationMode: { type: "iam" }'),
      component("access.ts", "apiDataAccessPolicy"),
      component("connection.ts", "buildDataEnv"),
      component("connection.ts", "buildExternalDataEnv"),
      EXTERNAL_SCHEMA,
    ],
    provenBy: [
      { file: UNIT, test: "DATA-02 grants the API's role rds-db:connect for its own user and elasticache:Connect for its own cache and user only" },
      { file: PROGRAM, test: "DATA-02 holds no database or Redis password in any input, output or config value" },
      ROLE,
      { file: PROGRAM, test: "DATA-02 hands the API its connection facts as plain settings, none of them secret" },
      { file: EXTERNAL, test: "DATA-02 tells the API where the operator's stores are, that TLS is verified and that its credentials come from Vault, none of them secret" },
      EXTERNAL_VALID,
      EXTERNAL_REFUSED,
    ],
    limitations: [
      "The credentials are IAM authentication tokens (15 minutes, signed with the API's Pod Identity role), not Vault database-engine leases as the control's title says; docs/decisions/data-tier-credentials.md records why and what a Vault engine would add.",
      "The PostgreSQL role platform_api (CREATE ROLE ... LOGIN; GRANT rds_iam) is created once by an operator with the RDS-managed master secret, outside the program; nothing offline proves it exists.",
      "On an existing cluster (dataTier.external) the stores' users, their credentials in the operator's Vault and a Vault policy letting the API read them are the operator's; the program's platform-api Vault policy grants no such read.",
    ],
  },
  {
    control: "DATA-03",
    enforcedBy: [
      component("cache.ts", 'transitEncryptionMode: "required"'),
      component("cache.ts", "atRestEncryptionEnabled: true"),
      component("cache.ts", "automaticFailoverEnabled: true"),
      component("cache.ts", "multiAzEnabled: true"),
      component("cache.ts", 'accessString: "off -@all"'),
      component("kms.ts", "dataKeyPolicy"),
      { kind: "config", file: "config/dataTierSchema.ts", symbol: "must be at least 2 (DATA-03" },
    ],
    provenBy: [
      { file: UNIT, test: "DATA-03 builds Redis users that cannot log in with a password, and a group that requires TLS" },
      { file: PROGRAM, test: "DATA-03 declares a Multi-AZ Valkey replication group with TLS required, a customer-managed key and IAM-authenticated users" },
      KEY,
      CONFIG,
    ],
  },
  {
    control: "DATA-04",
    enforcedBy: [
      component("access.ts", "tierRules"),
      component("network.ts", "buildSecurityGroupPolicy"),
      component("network.ts", "dataTierEgress"),
      component("network.ts", "externalDataEgress"),
      EXTERNAL_SCHEMA,
      { kind: "component", file: "components/cluster/addons.ts", symbol: 'ENABLE_POD_ENI: "true"' },
      { kind: "component", file: "components/mesh/network.ts", symbol: "...dataEgress" },
    ],
    provenBy: [
      { file: UNIT, test: "DATA-04 admits each store's port from the API's group only, and lets that group reach nothing else" },
      { file: UNIT, test: "DATA-04 names the private subnets, every one the foundation plans and no public one, in the API's egress" },
      { file: PROGRAM, test: "DATA-04 admits into the stores only the security group the platform API's pods alone carry" },
      ROLE,
      { file: NETWORK, test: "DATA-04 lets only the platform API reach the data tier's ports; no tenant and no other platform workload can" },
      { file: EXTERNAL, test: "DATA-04 opens exactly the stores' ports to exactly their ranges in the API's egress, and changes no other policy" },
      {
        file: "test/networkExternal.test.ts",
        test: "DATA-04 lets only the platform API reach the operator's stores' ranges on their ports; no tenant and no other platform workload can",
      },
      EXTERNAL_VALID,
      EXTERNAL_REFUSED,
    ],
    limitations: [
      "On an existing cluster (dataTier.external) only the cluster side is the program's: the API's egress policy; what the operator's stores and their network admit is the operator's.",
      "That the VPC CNI attaches the API's security group (ENABLE_POD_ENI, a trunk ENI on each node, branch-ENI capacity of the node type) is proven by the declared configuration only; a live check must see the API pods' branch ENIs carry the group and a pod without the SecurityGroupPolicy time out on 5432 and 6379.",
    ],
  },
];
