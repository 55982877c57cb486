import { v } from "@orrery/schema";
import { defineApp, functionBuilders } from "@orrery/store";
import { schema } from "./schema";

const { query, mutation } = functionBuilders<typeof schema>();

/** A counter by key: what every subscriber of the fan-out cases watches. */
const counters = {
  get: query.input({ key: v.string() }).query(async ({ ctx, args }) => {
    const row = await ctx.db
      .query("counters")
      .withIndex("by_key", (q) => q.eq("key", args.key))
      .unique();
    return row?.value ?? 0;
  }),
  /** Adds one and returns the new value (inserting the row on first use). */
  increment: mutation.input({ key: v.string() }).mutation(async ({ ctx, args }) => {
    const row = await ctx.db
      .query("counters")
      .withIndex("by_key", (q) => q.eq("key", args.key))
      .unique();
    if (!row) {
      await ctx.db.insert("counters", { key: args.key, value: 1 });
      return 1;
    }
    await ctx.db.patch("counters", row._id, { value: row.value + 1 });
    return row.value + 1;
  }),
};

/** A single-row insert into the Durable Object's SQLite: case 5's mutation beside a raw insert. */
const rows = {
  insert: mutation
    .input({ key: v.string(), n: v.number() })
    .mutation(({ ctx, args }) => ctx.db.insert("rows", args)),
};

/** A single-row insert into the `.global()` table: case 5 on Postgres and MySQL. */
const entries = {
  insert: mutation
    .input({ key: v.string(), n: v.number() })
    .mutation(({ ctx, args }) => ctx.db.insert("entries", args)),
};

export const app = defineApp({ schema, modules: { counters, rows, entries }, auth: () => null });
