import { v } from "@orrery/schema";
import { createApi } from "../../src/functions/reference";
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
