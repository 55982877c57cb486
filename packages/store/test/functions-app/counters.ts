import { createApi, type ErrorCode, OrreryError } from "@orrery/protocol";
import { v } from "@orrery/schema";
import type { Api } from "./api";
import { action, mutation, query } from "./server";

const api = createApi<Api>();

export const get = query.input({ name: v.string() }).query(async ({ ctx, args }) => {
  const row = await ctx.db
    .query("counters")
    .withIndex("by_name", (q) => q.eq("name", args.name))
    .unique();
  return row?.value ?? 0;
});

export const increment = mutation
  .input({ name: v.string(), by: v.optional(v.number()) })
  .mutation(async ({ ctx, args }) => {
    const by = args.by ?? 1;
    const row = await ctx.db
      .query("counters")
      .withIndex("by_name", (q) => q.eq("name", args.name))
      .unique();
    if (row) {
      await ctx.db.patch("counters", row._id, { value: row.value + by });
      return row.value + by;
    }
    await ctx.db.insert("counters", { name: args.name, value: by });
    return by;
  });

/** How many times `counters:flaky` ran, by name: the idempotency tests count re-runs with it. */
export const flakyRuns = new Map<string, number>();

/**
 * Increments `name`, except while `failures` > the runs so far: then it throws, with the
 * failure `fail` asks for (an OrreryError code, or "plain" for a plain Error).
 */
export const flaky = mutation
  .input({ name: v.string(), fail: v.string(), failures: v.number() })
  .mutation(async ({ ctx, args }) => {
    const run = (flakyRuns.get(args.name) ?? 0) + 1;
    flakyRuns.set(args.name, run);
    if (run <= args.failures) {
      if (args.fail === "plain") throw new Error(`flaky ${args.name}: run ${run} failed`);
      throw new OrreryError(args.fail as ErrorCode, `flaky ${args.name}: run ${run} failed`);
    }
    const row = await ctx.db
      .query("counters")
      .withIndex("by_name", (q) => q.eq("name", args.name))
      .unique();
    if (row) {
      await ctx.db.patch("counters", row._id, { value: row.value + 1 });
      return row.value + 1;
    }
    await ctx.db.insert("counters", { name: args.name, value: 1 });
    return 1;
  });

export interface Bumped {
  readonly before: number;
  readonly after: number;
  readonly seen: number;
}

/**
 * An action that reads, writes and reads again through typed references. The return type is
 * written out because `api` is derived from this very module (as in Convex): inferring it
 * would make the module's type depend on itself.
 */
export const bump = action.input({ name: v.string() }).action(async ({ ctx, args }): Promise<Bumped> => {
  const before = await ctx.runQuery(api.counters.get, { name: args.name });
  const after = await ctx.runMutation(api.counters.increment, { name: args.name });
  const seen = await ctx.runQuery(api.counters.get, { name: args.name });
  return { before, after, seen };
});

/** An action calling another action, with no arguments. */
export const bumpTwice = action.action(async ({ ctx }): Promise<Bumped> => {
  await ctx.runAction(api.counters.bump, { name: "twice" });
  return ctx.runAction(api.counters.bump, { name: "twice" });
});
