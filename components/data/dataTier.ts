import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustPolicy } from "../cluster/iam";
import { KMS_DELETION_WINDOW_DAYS } from "../cluster/defaults";
import { apiDataAccessPolicy, securityGroupRuleArgs, tierRules } from "./access";
import type { DataTierArgs } from "./args";
import { buildApiUserArgs, buildCacheSubnetGroupArgs, buildDisabledDefaultUserArgs, buildReplicationGroupArgs, buildUserGroupArgs, cacheApiUser, cacheIdentifier } from "./cache";
import { EnvVar, buildDataEnv } from "./connection";
import { buildDatabaseArgs, buildDbSubnetGroupArgs, buildParameterGroupArgs } from "./database";
import { dataKeyPolicy } from "./kms";
import { validateDataTierArgs } from "./validate";

/**
 * The platform API's state (DATA-01..04): PostgreSQL on RDS and Valkey on ElastiCache in the
 * foundation's private subnets, encrypted with their own key, reachable only from pods carrying
 * the API's security group, with IAM authentication for the API's Pod Identity role and no
 * password anywhere (docs/decisions/data-tier-credentials.md, data-tier-network.md).
 */
export class DataTier extends pulumi.ComponentResource {
  /** The group the platform API's SecurityGroupPolicy gives its pods. */
  readonly apiSecurityGroupId: pulumi.Output<string>;
  /** Non-secret connection facts for the API's Deployment. */
  readonly env: EnvVar[];
  readonly databaseEndpoint: pulumi.Output<string>;
  readonly cacheEndpoint: pulumi.Output<string>;

  constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:data:DataTier", name, {}, opts);
    validateDataTierArgs(args.clusterName, args.settings);
    const parent = { parent: this };
    // SEC-07: the key and both stores survive a refactor or a destroy.
    const kept = { parent: this, protect: true };
    const { clusterName, settings } = args;

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${clusterName}: platform database and Redis encryption`,
        enableKeyRotation: true,
        deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        policy: args.context.apply((c) => JSON.stringify(dataKeyPolicy(c))),
      },
      kept,
    );
    new aws.kms.Alias(`${name}-key`, { name: `alias/${clusterName}-data`, targetKeyId: key.keyId }, parent);

    const group = (suffix: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${suffix}`, { name: `${clusterName}-${suffix}`, description, vpcId: args.vpcId, tags: { Name: `${clusterName}-${suffix}` } }, parent);
    const apiGroup = group("platform-api", "platform API pods (SecurityGroupPolicy): the only source the data stores admit");
    const dbGroup = group("database", "platform database: PostgreSQL from the platform API only");
    const cacheGroup = group("cache", "platform Redis: Valkey from the platform API only");
    const rules = tierRules({ api: apiGroup.id, database: dbGroup.id, cache: cacheGroup.id });
    const ingress = Object.entries(rules.ingress).map(([suffix, rule]) => new aws.vpc.SecurityGroupIngressRule(`${name}-${suffix}`, securityGroupRuleArgs(rule), parent));
    for (const [suffix, rule] of Object.entries(rules.egress)) new aws.vpc.SecurityGroupEgressRule(`${name}-${suffix}`, securityGroupRuleArgs(rule), parent);

    const parameters = new aws.rds.ParameterGroup(`${name}-database-parameters`, buildParameterGroupArgs(clusterName), parent);
    const dbSubnets = new aws.rds.SubnetGroup(`${name}-database-subnets`, buildDbSubnetGroupArgs(clusterName, args.privateSubnetIds), parent);
    const database = new aws.rds.Instance(
      `${name}-database`,
      buildDatabaseArgs(clusterName, settings.database, {
        keyArn: key.arn,
        subnetGroupName: dbSubnets.name,
        parameterGroupName: parameters.name,
        securityGroupId: dbGroup.id,
      }),
      { ...kept, dependsOn: ingress },
    );

    const cacheSubnets = new aws.elasticache.SubnetGroup(`${name}-cache-subnets`, buildCacheSubnetGroupArgs(clusterName, args.privateSubnetIds), parent);
    const defaultUser = new aws.elasticache.User(`${name}-cache-default-user`, buildDisabledDefaultUserArgs(clusterName), parent);
    const apiUser = new aws.elasticache.User(`${name}-cache-api-user`, buildApiUserArgs(clusterName), parent);
    const users = new aws.elasticache.UserGroup(`${name}-cache-users`, buildUserGroupArgs(clusterName, [defaultUser.userId, apiUser.userId]), parent);
    const cache = new aws.elasticache.ReplicationGroup(
      `${name}-cache`,
      buildReplicationGroupArgs(clusterName, settings.cache, {
        keyArn: key.arn,
        subnetGroupName: cacheSubnets.name,
        securityGroupId: cacheGroup.id,
        userGroupId: users.userGroupId,
      }),
      { ...kept, dependsOn: ingress },
    );

    // The API's Pod Identity role: its IAM tokens are its only credentials for either store.
    const trust = args.context.apply((c) =>
      JSON.stringify(podIdentityTrustPolicy({ ...c, clusterName, namespace: args.client.namespace, serviceAccount: args.client.serviceAccount })),
    );
    const role = new aws.iam.Role(`${name}-platform-api`, { assumeRolePolicy: trust, description: `${clusterName} platform API: database and Redis IAM authentication` }, parent);
    const access = new aws.iam.RolePolicy(
      `${name}-platform-api-data`,
      {
        role: role.name,
        policy: pulumi
          .all([args.context, database.resourceId, cache.arn, apiUser.arn])
          .apply(([c, databaseResourceId, replicationGroupArn, cacheUserArn]) =>
            apiDataAccessPolicy({ partition: c.partition, region: c.region, accountId: c.accountId, databaseResourceId, replicationGroupArn, cacheUserArn }),
          ),
      },
      parent,
    );
    new aws.eks.PodIdentityAssociation(
      `${name}-platform-api`,
      { clusterName: args.eksClusterName, namespace: args.client.namespace, serviceAccount: args.client.serviceAccount, roleArn: role.arn },
      { ...parent, dependsOn: [access] },
    );

    this.apiSecurityGroupId = apiGroup.id;
    this.databaseEndpoint = database.address;
    this.cacheEndpoint = cache.primaryEndpointAddress;
    this.env = buildDataEnv({
      region: args.region,
      databaseHost: database.address,
      cacheHost: cache.primaryEndpointAddress,
      cacheName: cacheIdentifier(clusterName),
      cacheUser: cacheApiUser(clusterName),
    });
    this.registerOutputs({ apiSecurityGroupId: this.apiSecurityGroupId, databaseEndpoint: this.databaseEndpoint, cacheEndpoint: this.cacheEndpoint });
  }
}
