import { OrreryError } from "@orrery/protocol";
import { v } from "@orrery/schema";
import { cronJobs } from "../../src/scheduler/cron-jobs";
import { action, mutation, query } from "./server";

/** How often `flaky` was called per key: a mutation that throws leaves no trace in the data. */
export const flakyCalls = new Map<string, number>();

/** Records that a job ran: one `runs` row per run. */
export const record = mutation
  .input({ key: v.string() })
  .mutation(({ ctx, args }) => ctx.db.insert("runs", { key: args.key }));

export const schedule = mutation
  .input({ key: v.string(), delayMs: v.number() })
  .mutation(({ ctx, args }) => ctx.scheduler.runAfter(args.delayMs, "work:record", { key: args.key }));

export const scheduleThenThrow = mutation.input({ key: v.string() }).mutation(async ({ ctx, args }) => {
  await ctx.scheduler.runAfter(0, "work:record", { key: args.key });
  throw new Error("changed my mind");
});

export const scheduleByName = mutation
  .input({ name: v.string(), args: v.any() })
  .mutation(({ ctx, args }) => ctx.scheduler.runAfter(0, args.name, args.args as Record<string, unknown>));

export const badDelay = mutation.mutation(({ ctx }) =>
  ctx.scheduler.runAfter(Number.POSITIVE_INFINITY, "work:record", { key: "never" }),
);

export const cancel = mutation
  .input({ id: v.string() })
  .mutation(({ ctx, args }) => ctx.scheduler.cancel(args.id));

/** Throws the first `failures` times it is called for `key`, then records a run. */
export const flaky = mutation
  .input({ key: v.string(), failures: v.number() })
  .mutation(async ({ ctx, args }) => {
    const calls = (flakyCalls.get(args.key) ?? 0) + 1;
    flakyCalls.set(args.key, calls);
    if (calls <= args.failures) throw new Error(`flaky failure ${calls} of ${args.key}`);
    await ctx.db.insert("runs", { key: args.key });
  });

export const missing = mutation.input({ key: v.string() }).mutation(({ args }) => {
  throw new OrreryError("NOT_FOUND", `no thing "${args.key}"`);
});

/** An action that records a run through a mutation, and may schedule another job at once. */
export const act = action
  .input({ key: v.string(), next: v.optional(v.string()) })
  .action(async ({ ctx, args }) => {
    await ctx.runMutation("work:record", { key: args.key });
    if (args.next) await ctx.scheduler.runAfter(0, "work:record", { key: args.next });
  });

export const publish = mutation
  .input({ topic: v.string(), payload: v.any(), fail: v.optional(v.boolean()) })
  .mutation(({ ctx, args }) => {
    const id = ctx.outbox.publish(args.topic, args.payload);
    if (args.fail) throw new Error("rolled back");
    return id;
  });

/** A `.global()` write and its event, in one commit. */
export const placeOrder = mutation
  .input({ customer: v.string(), total: v.number() })
  .mutation(async ({ ctx, args }) => {
    const id = await ctx.db.insert("orders", args);
    ctx.outbox.publish("orders", { orderId: id, total: args.total });
    return id;
  });

export const runs = query.input({ key: v.string() }).query(({ ctx, args }) =>
  ctx.db
    .query("runs")
    .withIndex("by_key", (q) => q.eq("key", args.key))
    .collect(),
);

export const jobs = query.query(({ ctx }) => ctx.db.system.query("_orrery_jobs").collect());

export const crons = cronJobs()
  .interval("tick", { minutes: 1 }, "work:record", { key: "tick" })
  .cron("nightly", "0 3 * * *", "work:act", { key: "nightly" }, { namespace: "ops" });
