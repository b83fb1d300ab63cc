import { z } from "zod";
import { DATA_TIER_DEFAULTS } from "../components/data/defaults";

/** RDS and ElastiCache windows, UTC: `hh:mm-hh:mm` daily, `ddd:hh:mm-ddd:hh:mm` weekly. */
const DAILY_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const dailyWindow = z.string().regex(DAILY_WINDOW, { error: "must be a UTC window hh:mm-hh:mm, e.g. 03:00-04:00" });
const weeklyWindow = z.string().regex(WEEKLY_WINDOW, { error: "must be a UTC window ddd:hh:mm-ddd:hh:mm, e.g. sun:04:30-sun:05:30" });

/** The platform API's data tier (components/data): sizes, retention and windows; the rest is fixed. */
export const dataTierSchema = z
  .strictObject({
    database: z
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
      })
      .prefault({}),
    cache: z
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
      })
      .prefault({}),
  });
