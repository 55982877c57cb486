import { defineTable } from "./table";
import { v } from "./v";

/** Where a scheduled job is: it leaves `pending` (or `running`, for an action) exactly once. */
export const JOB_STATUSES = ["pending", "running", "succeeded", "failed", "canceled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The scheduler's jobs: a document table (with `_id`, `_creationTime`, `_version`), so an app's
 * query can read it through `ctx.db.system` and a page can show it live: every change of a job
 * is a commit like any other. Declared once here and listed in `SYSTEM_TABLE_SPECS`.
 *
 * A job's `_id` is its id (what `runAfter` returns, and a scheduled mutation's request id).
 * `runAt` is when it is due: the first run's time, then the next retry's. `attempts` counts the
 * runs that started; `lastError` is the last failure's code and message. `cron` names the cron
 * a run belongs to and `cronSpec` what that cron was when the run was planned, so a changed
 * declaration replaces the planned run.
 */
export const scheduledJobsTable = defineTable({
  name: v.string(),
  kind: v.union(v.literal("mutation"), v.literal("action")),
  args: v.any(),
  status: v.union(...JOB_STATUSES.map((status) => v.literal(status))),
  runAt: v.number(),
  attempts: v.number(),
  lastError: v.optional(v.object({ code: v.string(), message: v.string() })),
  startedAt: v.optional(v.number()),
  completedAt: v.optional(v.number()),
  cron: v.optional(v.string()),
  cronSpec: v.optional(v.string()),
})
  .index("by_status", ["status", "runAt"])
  .index("by_completed_at", ["completedAt"])
  .index("by_status_cron", ["status", "cron"]);
