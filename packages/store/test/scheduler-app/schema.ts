import { defineSchema, defineTable, v } from "@orrery/schema";

/** The scheduler and outbox tests' app: runs the jobs leave behind, and a `.global()` table. */
export const schema = defineSchema({
  runs: defineTable({ key: v.string() }).index("by_key", ["key"]),
  orders: defineTable({ customer: v.string(), total: v.number() }).global(),
});

export type Schema = typeof schema;
