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

/** An operator's store (`dataTier.external`, existing mode): where it is and who the API logs in as. */
export interface ExternalStores {
  database: { host: string; port: number; name: string; user: string };
  cache: { host: string; port: number; user: string };
}

/**
 * The same settings, under the same names, for stores the operator runs. The program enables no
 * IAM authentication on them, so the API is told `vault`: it reads the users' credentials from the
 * Vault the operator manages, never from its environment or the stack's config. TLS stays
 * required and verified. No AWS region or cache name: nothing here signs an IAM token.
 */
export function buildExternalDataEnv(stores: ExternalStores): EnvVar[] {
  return [
    { name: "DATABASE_HOST", value: stores.database.host },
    { name: "DATABASE_PORT", value: String(stores.database.port) },
    { name: "DATABASE_NAME", value: stores.database.name },
    { name: "DATABASE_USER", value: stores.database.user },
    { name: "DATABASE_AUTH", value: "vault" },
    { name: "DATABASE_SSLMODE", value: "verify-full" },
    { name: "REDIS_HOST", value: stores.cache.host },
    { name: "REDIS_PORT", value: String(stores.cache.port) },
    { name: "REDIS_USER", value: stores.cache.user },
    { name: "REDIS_AUTH", value: "vault" },
    { name: "REDIS_TLS", value: "true" },
    { name: "VAULT_TRANSIT_MOUNT", value: VAULT_CONFIG.transitPath },
    { name: "VAULT_TRANSIT_KEY", value: VAULT_CONFIG.transitKey },
  ];
}
