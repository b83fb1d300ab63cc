import type { DataTierSettings } from "./args";
import { cacheApiUser, cacheIdentifier } from "./cache";
import { databaseIdentifier } from "./database";

/** ElastiCache ids: a letter, then letters, digits and single hyphens (ElastiCache API, CreateReplicationGroup). */
const CACHE_ID = /^[a-z](?:-?[a-z0-9])*$/;

/** Why these args cannot make a data tier, one line per problem naming the field; empty when they can. */
export function dataTierProblems(clusterName: string, settings: DataTierSettings): string[] {
  const problems: string[] = [];
  const limit = (what: string, id: string, max: number) => {
    if (id.length > max) problems.push(`clusterName: ${what} ${id} is longer than ${max} characters: shorten the cluster name`);
  };
  limit("the database identifier", databaseIdentifier(clusterName), 63);
  limit("the replication group id", cacheIdentifier(clusterName), 40);
  limit("the Redis user id", cacheApiUser(clusterName), 40);
  if (!CACHE_ID.test(cacheIdentifier(clusterName))) {
    problems.push(`clusterName: ${clusterName} must be lower-case letters, digits and single hyphens, starting with a letter, to name the replication group`);
  }
  const db = settings.database;
  if (db.maxAllocatedStorageGiB < db.allocatedStorageGiB) {
    problems.push(`database.maxAllocatedStorageGiB: must be at least database.allocatedStorageGiB (${db.allocatedStorageGiB}), got ${db.maxAllocatedStorageGiB}`);
  }
  return problems;
}

export function validateDataTierArgs(clusterName: string, settings: DataTierSettings): void {
  const problems = dataTierProblems(clusterName, settings);
  if (problems.length > 0) throw new Error(`DataTier: ${problems.join("; ")}`);
}
