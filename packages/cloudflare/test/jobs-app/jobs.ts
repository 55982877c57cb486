import { v } from "@orrery/schema";
import { cronJobs, functionBuilders, outboxMessageArgs } from "@orrery/store";
import type { schema } from "./schema";

const { query, mutation } = functionBuilders<typeof schema>();

/** One `runs` row per run: what "ran once" is checked against. */
export const record = mutation
  .input({ key: v.string(), n: v.number() })
  .mutation(({ ctx, args }) => ctx.db.insert("runs", args));

/** Schedules `jobs:record` once per delay, each with `first` plus its index as `n`. */
export const scheduleMany = mutation
  .input({ key: v.string(), delaysMs: v.array(v.number()), first: v.optional(v.number()) })
  .mutation(async ({ ctx, args }) => {
    for (const [i, delay] of args.delaysMs.entries())
      await ctx.scheduler.runAfter(delay, "jobs:record", { key: args.key, n: (args.first ?? 0) + i });
    return args.delaysMs.length;
  });

export const scheduleThenThrow = mutation.input({ key: v.string() }).mutation(async ({ ctx, args }) => {
  await ctx.scheduler.runAfter(0, "jobs:record", { key: args.key, n: 0 });
  throw new Error("changed my mind");
});

export const alwaysFails = mutation.input({ why: v.string() }).mutation(({ args }) => {
  throw new Error(args.why);
});

export const scheduleFailing = mutation
  .input({ why: v.string() })
  .mutation(({ ctx, args }) => ctx.scheduler.runAfter(0, "jobs:alwaysFails", { why: args.why }));

export const publish = mutation
  .input({ topic: v.string(), payload: v.any(), fail: v.optional(v.boolean()) })
  .mutation(({ ctx, args }) => {
    const id = ctx.outbox.publish(args.topic, args.payload);
    if (args.fail) throw new Error("rolled back");
    return id;
  });

/** The consumer of the "job-events" topic; deduplicates on the message id. */
export const received = mutation.input(outboxMessageArgs(v.any())).mutation(async ({ ctx, args }) => {
  const seen = await ctx.db
    .query("received")
    .withIndex("by_message_id", (q) => q.eq("messageId", args.id))
    .first();
  if (!seen)
    await ctx.db.insert("received", { messageId: args.id, topic: args.topic, payload: args.payload });
});

export const runs = query.input({ key: v.string() }).query(({ ctx, args }) =>
  ctx.db
    .query("runs")
    .withIndex("by_key", (q) => q.eq("key", args.key))
    .collect(),
);

export const inbox = query.query(({ ctx }) => ctx.db.query("received").collect());

/** The namespace's jobs by status, and every job that is not a cron's. */
export const jobs = query.query(async ({ ctx }) => {
  const all = await ctx.db.system.query("_orrery_jobs").collect();
  const count = (status: string) =>
    all.filter((job) => job.status === status && job.cron === undefined).length;
  return {
    pending: count("pending"),
    running: count("running"),
    succeeded: count("succeeded"),
    failed: count("failed"),
    total: all.length,
    crons: all.filter((job) => job.cron !== undefined).map((job) => ({ cron: job.cron, status: job.status })),
    others: all.filter((job) => job.cron === undefined && all.length <= 20),
  };
});

export const crons = cronJobs()
  // Every namespace of this app plans it when it starts (and registers for the fan-out).
  .interval("daily sweep", { hours: 24 }, "jobs:record", { key: "sweep", n: 0 })
  // Only in "beat-home", every second.
  .interval("heartbeat", { seconds: 1 }, "jobs:record", { key: "beat", n: 0 }, { namespace: "beat-home" });
