import { defineSchema, defineTable, v } from "@orrery/schema";

/** The example application's data: plain tables live in each namespace's Durable Object. */
export const schema = defineSchema({
  tasks: defineTable({ list: v.string(), text: v.string(), done: v.boolean() }).index("by_list", ["list"]),
  counters: defineTable({ name: v.string(), value: v.int64() }).index("by_name", ["name"]),
  // A `.global()` table: D1 by default, Postgres or MySQL through Hyperdrive when configured.
  orders: defineTable({
    customer: v.string(),
    total: v.number(),
    status: v.string(),
    // Set for rows projected from a legacy database, so re-importing updates instead of duplicating.
    legacyId: v.optional(v.string()),
  })
    .index("by_customer", ["customer"])
    .index("by_legacy_id", ["legacyId"])
    .global(),
});

export type AppSchema = typeof schema;
