import { v } from "@orrery/schema";
import { query } from "./server";

/**
 * What a page may see of a job: its name, state and times, not its arguments. A job's
 * arguments are whatever its caller passed (`tasks:addDue` carries the owner and the task's
 * text), and any caller can ask for these lists.
 */
function summary<Job extends { args: unknown }>({ args: _args, ...job }: Job): Omit<Job, "args"> {
  return job;
}

/**
 * The namespace's scheduled jobs (`ctx.scheduler`, crons), newest first: a page subscribed to
 * this sees each job go from pending to succeeded or failed, live. `_orrery_jobs` is the
 * store's own table, read through `ctx.db.system`.
 */
export const recent = query.input({ limit: v.optional(v.number()) }).query(async ({ ctx, args }) =>
  (
    await ctx.db.system
      .query("_orrery_jobs")
      .order("desc")
      .take(Math.min(args.limit ?? 50, 200))
  ).map(summary),
);

/** The jobs that have not run yet, soonest first. */
export const pending = query.query(async ({ ctx }) =>
  (
    await ctx.db.system
      .query("_orrery_jobs")
      .withIndex("by_status", (q) => q.eq("status", "pending"))
      .collect()
  ).map(summary),
);
