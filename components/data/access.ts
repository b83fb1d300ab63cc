/**
 * DATA-04 on the AWS side: who may reach and log in to the data stores. Network: the stores'
 * security groups admit only the platform API's pod security group. Identity: only the API's Pod
 * Identity role may mint IAM tokens for its database user and its Redis user.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { CACHE_PORT, DATABASE_IAM_USER, DATABASE_PORT } from "./defaults";

export interface StoreRule {
  description: string;
  /** The group the rule belongs to. */
  securityGroupId: pulumi.Input<string>;
  referencedSecurityGroupId: pulumi.Input<string>;
  port: number;
}

/** One TCP port, one peer group: never a CIDR, so no address in the VPC is admitted by where it is. */
export function securityGroupRuleArgs(rule: StoreRule): aws.vpc.SecurityGroupIngressRuleArgs & aws.vpc.SecurityGroupEgressRuleArgs {
  return {
    description: rule.description,
    securityGroupId: rule.securityGroupId,
    referencedSecurityGroupId: rule.referencedSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: rule.port,
    toPort: rule.port,
  };
}

export interface TierGroups {
  /** The group only the platform API's pods carry (SecurityGroupPolicy). */
  api: pulumi.Input<string>;
  database: pulumi.Input<string>;
  cache: pulumi.Input<string>;
}

/**
 * The rules of the three groups. The stores' groups have ingress from the API's group only and no
 * egress (they initiate nothing); the API's group may reach exactly the two stores' ports.
 */
export function tierRules(groups: TierGroups): { ingress: Record<string, StoreRule>; egress: Record<string, StoreRule> } {
  return {
    ingress: {
      "database-from-api": { description: "PostgreSQL from the platform API's pods", securityGroupId: groups.database, referencedSecurityGroupId: groups.api, port: DATABASE_PORT },
      "cache-from-api": { description: "Valkey from the platform API's pods", securityGroupId: groups.cache, referencedSecurityGroupId: groups.api, port: CACHE_PORT },
    },
    egress: {
      "api-to-database": { description: "the platform API to PostgreSQL", securityGroupId: groups.api, referencedSecurityGroupId: groups.database, port: DATABASE_PORT },
      "api-to-cache": { description: "the platform API to Valkey", securityGroupId: groups.api, referencedSecurityGroupId: groups.cache, port: CACHE_PORT },
    },
  };
}

export interface ApiAccessFacts {
  partition: string;
  region: string;
  accountId: string;
  /** The database's DbiResourceId (`db-...`), which IAM database authentication names. */
  databaseResourceId: string;
  replicationGroupArn: string;
  cacheUserArn: string;
}

/**
 * DATA-02, DATA-04: the platform API's role may connect as its own database user and as its own
 * Redis user to its own replication group, and do nothing else (RDS user guide,
 * UsingWithRDS.IAMDBAuth.IAMPolicy; ElastiCache user guide, auth-iam: elasticache:Connect on both
 * the cache and the user).
 */
export function apiDataAccessPolicy(facts: ApiAccessFacts): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DatabaseIamAuthentication",
        Effect: "Allow",
        Action: ["rds-db:connect"],
        Resource: [`arn:${facts.partition}:rds-db:${facts.region}:${facts.accountId}:dbuser:${facts.databaseResourceId}/${DATABASE_IAM_USER}`],
      },
      { Sid: "CacheIamAuthentication", Effect: "Allow", Action: ["elasticache:Connect"], Resource: [facts.replicationGroupArn, facts.cacheUserArn] },
    ],
  });
}
