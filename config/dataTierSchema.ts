import { z } from "zod";
import { CACHE_PORT, DATABASE_NAME, DATABASE_PORT, DATA_TIER_DEFAULTS } from "../components/data/defaults";
import { cidr, uniqueList } from "./primitives";
import { isHostname, isRfc1918, parseIpv4Cidr, cidrContains } from "./rules";

/** RDS and ElastiCache windows, UTC: `hh:mm-hh:mm` daily, `ddd:hh:mm-ddd:hh:mm` weekly. */
const DAILY_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const dailyWindow = z.string().regex(DAILY_WINDOW, { error: "must be a UTC window hh:mm-hh:mm, e.g. 03:00-04:00" });
const weeklyWindow = z.string().regex(WEEKLY_WINDOW, { error: "must be a UTC window ddd:hh:mm-ddd:hh:mm, e.g. sun:04:30-sun:05:30" });

const databaseSizing = z
  .strictObject({
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "must be an RDS instance class, e.g. db.m7g.large" }).default(DATA_TIER_DEFAULTS.database.instanceClass),
    allocatedStorageGiB: z.int().min(20).max(65536).default(DATA_TIER_DEFAULTS.database.allocatedStorageGiB),
    maxAllocatedStorageGiB: z.int().min(20).max(65536).default(DATA_TIER_DEFAULTS.database.maxAllocatedStorageGiB),
    backupRetentionDays: z
      .int()
      .min(7, { error: "must be at least 7 (DATA-01: a week of point-in-time recovery)" })
      .max(35, { error: "must be at most 35, RDS's longest automated backup retention" })
      .default(DATA_TIER_DEFAULTS.database.backupRetentionDays),
    backupWindow: dailyWindow.default(DATA_TIER_DEFAULTS.database.backupWindow),
    maintenanceWindow: weeklyWindow.default(DATA_TIER_DEFAULTS.database.maintenanceWindow),
  })
  .superRefine((db, ctx) => {
    if (db.maxAllocatedStorageGiB < db.allocatedStorageGiB) {
      ctx.addIssue({ code: "custom", path: ["maxAllocatedStorageGiB"], message: `must be at least allocatedStorageGiB (${db.allocatedStorageGiB})` });
    }
  });
const cacheSizing = z
  .strictObject({
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "must be an ElastiCache node type, e.g. cache.m7g.large" }).default(DATA_TIER_DEFAULTS.cache.nodeType),
    numCacheClusters: z
      .int()
      .min(2, { error: "must be at least 2 (DATA-03: a replica in another zone to fail over to)" })
      .max(6)
      .default(DATA_TIER_DEFAULTS.cache.numCacheClusters),
    snapshotRetentionDays: z.int().min(1).max(35).default(DATA_TIER_DEFAULTS.cache.snapshotRetentionDays),
    snapshotWindow: dailyWindow.default(DATA_TIER_DEFAULTS.cache.snapshotWindow),
    maintenanceWindow: weeklyWindow.default(DATA_TIER_DEFAULTS.cache.maintenanceWindow),
      });

/** The program's own stores (eks mode), every default applied. */
export const dataTierSizingSchema = z.strictObject({ database: databaseSizing.prefault({}), cache: cacheSizing.prefault({}) });

const isIpv4Address = (v: string) => !v.includes("/") && parseIpv4Cidr(`${v}/32`) !== undefined;
const storeHost = z.string().refine((v) => isHostname(v) || isIpv4Address(v), {
  error: "must be a DNS name or an IPv4 address, e.g. db.internal.example.com or 10.20.0.15 (no scheme or port)",
});
const storePort = (port: number) => z.int().min(1).max(65535).default(port);
// NetworkPolicy names addresses, never hosts: the ranges are what the API's egress opens.
const storeCidrs = uniqueList(
  cidr.refine((v) => { const parsed = parseIpv4Cidr(v); return parsed === undefined || isRfc1918(parsed); }, { error: "must be a private (RFC 1918) range: the API's egress opens the store's port to it" }),
  "CIDR",
).min(1, { error: "must list at least one private range the store lives in (NetworkPolicy cannot name a host)" });

/** An IPv4 host must lie in the ranges the API may reach, or the API could never connect to it. */
function hostInCidrs(store: { host: string; cidrs: string[] }, ctx: z.RefinementCtx) {
  if (!isIpv4Address(store.host) || store.cidrs.length === 0) return;
  const host = parseIpv4Cidr(`${store.host}/32`)!;
  if (!store.cidrs.some((c) => { const range = parseIpv4Cidr(c); return range !== undefined && cidrContains(range, host); })) {
    ctx.addIssue({ code: "custom", path: ["host"], message: `must lie in one of cidrs (${store.cidrs.join(", ")})` });
  }
}

/**
 * An existing cluster's stores, which the operator runs: where they are, and who the API logs in
 * as. No password key: the API reads its credentials from the operator's Vault (docs/decisions/data-tier-credentials.md).
 */
export const externalDataTierSchema = z.strictObject({
  database: z
    .strictObject({
      host: storeHost,
      port: storePort(DATABASE_PORT),
      name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a PostgreSQL database name: lowercase letters, digits and '_', at most 63" }).default(DATABASE_NAME),
      user: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a PostgreSQL role name: lowercase letters, digits and '_', at most 63" }),
      cidrs: storeCidrs,
    })
    .superRefine(hostInCidrs),
  cache: z
    .strictObject({
      host: storeHost,
      port: storePort(CACHE_PORT),
      user: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: "must be a Redis ACL user name: letters, digits, '_', '.' and '-', at most 64" }),
      cidrs: storeCidrs,
    })
    .superRefine(hostInCidrs),
});

/**
 * The platform API's data tier: in eks mode the sizes, retention and windows of the stores the
 * program declares (components/data); in existing mode only `external`, the operator's stores.
 * Which keys a mode admits is checked in schema.ts, which knows the mode.
 */
export const dataTierSchema = z.strictObject({
  database: databaseSizing.optional(),
  cache: cacheSizing.optional(),
  external: externalDataTierSchema.optional(),
});
