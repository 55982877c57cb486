import { defineSchema, defineTable, v } from "@orrery/schema";

/**
 * The bench app's data. `counters` and `rows` live in each namespace's Durable Object; `entries`
 * is a `.global()` table for the Postgres/MySQL write path, which the D1-backed instance never
 * touches.
 */
export const schema = defineSchema({
  counters: defineTable({ key: v.string(), value: v.number() }).index("by_key", ["key"]),
  rows: defineTable({ key: v.string(), n: v.number() }),
  entries: defineTable({ key: v.string(), n: v.number() }).global(),
});
