import { defineSchema, defineTable, v } from "@orrery/schema";

/** A second user app, for the scheduler and the outbox: what its jobs and consumers leave behind. */
export const schema = defineSchema({
  runs: defineTable({ key: v.string(), n: v.number() }).index("by_key", ["key", "n"]),
  received: defineTable({ messageId: v.string(), topic: v.string(), payload: v.any() }).index(
    "by_message_id",
    ["messageId"],
  ),
});
