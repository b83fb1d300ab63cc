import type * as pulumi from "@pulumi/pulumi";
import { VAULT_CONFIG } from "../vault/defaults";
import { CACHE_PORT, DATABASE_IAM_USER, DATABASE_NAME, DATABASE_PORT } from "./defaults";

export interface DataEndpoints {
  region: string;
  databaseHost: pulumi.Input<string>;
  cacheHost: pulumi.Input<string>;
  /** The replication group id: an ElastiCache IAM token is signed for it. */
  cacheName: string;
  cacheUser: string;
}

export interface EnvVar {
  name: string;
  value: pulumi.Input<string>;
}

/**
 * What the platform API needs to reach its stores, and nothing secret: hosts, ports, names, TLS
 * and how to authenticate. Both stores take IAM tokens the API signs with its Pod Identity
 * credentials (docs/decisions/data-tier-credentials.md); verify-full checks the RDS certificate
 * against the RDS CA bundle the image carries. APP-04: platform credentials reach the database
 * only as ciphertext of the Transit key the API's Vault policy may encrypt and decrypt with.
 */
export function buildDataEnv(endpoints: DataEndpoints): EnvVar[] {
  return [
    { name: "AWS_REGION", value: endpoints.region },
    { name: "DATABASE_HOST", value: endpoints.databaseHost },
    { name: "DATABASE_PORT", value: String(DATABASE_PORT) },
    { name: "DATABASE_NAME", value: DATABASE_NAME },
    { name: "DATABASE_USER", value: DATABASE_IAM_USER },
    { name: "DATABASE_AUTH", value: "iam" },
    { name: "DATABASE_SSLMODE", value: "verify-full" },
    { name: "REDIS_HOST", value: endpoints.cacheHost },
    { name: "REDIS_PORT", value: String(CACHE_PORT) },
    { name: "REDIS_USER", value: endpoints.cacheUser },
    { name: "REDIS_AUTH", value: "iam" },
    { name: "REDIS_CACHE_NAME", value: endpoints.cacheName },
    { name: "REDIS_TLS", value: "true" },
    { name: "VAULT_TRANSIT_MOUNT", value: VAULT_CONFIG.transitPath },
    { name: "VAULT_TRANSIT_KEY", value: VAULT_CONFIG.transitKey },
  ];
}
