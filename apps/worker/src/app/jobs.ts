import { v } from "@orrery/schema";
import { query } from "./server";

/**
 * The namespace's scheduled jobs (`ctx.scheduler`, crons), newest first: a page subscribed to
 * this sees each job go from pending to succeeded or failed, live. `_orrery_jobs` is the
 * store's own table, read through `ctx.db.system`.
 */
export const recent = query.input({ limit: v.optional(v.number()) }).query(({ ctx, args }) =>
  ctx.db.system
    .query("_orrery_jobs")
    .order("desc")
    .take(Math.min(args.limit ?? 50, 200)),
);

/** The jobs that have not run yet, soonest first. */
export const pending = query.query(({ ctx }) =>
  ctx.db.system
    .query("_orrery_jobs")
    .withIndex("by_status", (q) => q.eq("status", "pending"))
    .collect(),
);
