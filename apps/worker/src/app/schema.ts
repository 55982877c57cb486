import { defineSchema, defineTable, v } from "@orrery/schema";

/** The example application's data: plain tables live in each namespace's Durable Object. */
export const schema = defineSchema({
  // Each user's own lists: every function of tasks.ts reads and writes only the caller's rows.
  tasks: defineTable({ owner: v.string(), list: v.string(), text: v.string(), done: v.boolean() }).index(
    "by_owner_list",
    ["owner", "list"],
  ),
  // Tasks tasks:addLater scheduled, until their job adds them: the job carries only this row's
  // id, so no caller can name the owner a task is added for.
  later_tasks: defineTable({ owner: v.string(), list: v.string(), text: v.string() }),
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
  // The `orders` topic's projection (orderEvents:record): one row per outbox message.
  order_events: defineTable({
    messageId: v.string(),
    orderId: v.string(),
    customer: v.string(),
    total: v.number(),
    status: v.string(),
    publishedAt: v.number(),
  })
    .index("by_message_id", ["messageId"])
    .index("by_order", ["orderId"]),
});

export type AppSchema = typeof schema;
