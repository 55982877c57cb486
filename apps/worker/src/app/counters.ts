import { v } from "@orrery/schema";
import { OrreryError } from "@orrery/store";
import { mutation, query } from "./server";

/** The counter's value; 0 when it was never incremented. */
export const get = query.input({ name: v.string() }).query(async ({ ctx, args }) => {
  const counter = await ctx.db
    .query("counters")
    .withIndex("by_name", (q) => q.eq("name", args.name))
    .unique();
  return counter?.value ?? 0n;
});

/**
 * Adds `by` (default 1; a plain JSON number, so any client can call it) and returns the new
 * value. Concurrent increments never lose one: each runs through the OCC core.
 */
export const increment = mutation
  .input({ name: v.string(), by: v.optional(v.number()) })
  .mutation(async ({ ctx, args }) => {
    const by = args.by ?? 1;
    if (!Number.isSafeInteger(by))
      throw new OrreryError("INVALID_ARGUMENT", `args.by: expected a whole number, got ${by}`);
    const counter = await ctx.db
      .query("counters")
      .withIndex("by_name", (q) => q.eq("name", args.name))
      .unique();
    if (!counter) {
      await ctx.db.insert("counters", { name: args.name, value: BigInt(by) });
      return BigInt(by);
    }
    const value = counter.value + BigInt(by);
    await ctx.db.patch("counters", counter._id, { value });
    return value;
  });
