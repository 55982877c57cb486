import { defineSchema, defineTable, v } from "@orrery/schema";

/**
 * The app's tables. Each namespace (a room, a team, a tenant) has its own copy in its Durable
 * Object. After a change, `orrery generate` writes the migration (`npm run dev` does it for you).
 */
export const schema = defineSchema({
  messages: defineTable({ channel: v.string(), body: v.string() }).index("by_channel", ["channel"]),
});

export type AppSchema = typeof schema;
