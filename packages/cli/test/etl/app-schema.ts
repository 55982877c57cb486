import { defineSchema, defineTable, v } from "@orrery/schema";

/** The app the legacy tables move into: their `.global()` homes, and a plain table. */
export const schema = defineSchema({
  users: defineTable({
    name: v.string(),
    email: v.string(),
    isAdmin: v.boolean(),
    joinedAt: v.number(),
    settings: v.optional(v.object({ theme: v.union(v.literal("dark"), v.literal("light")), n: v.number() })),
    karma: v.int64(),
    avatar: v.optional(v.bytes()),
  })
    .index("by_email", ["email"])
    .global(),
  posts: defineTable({
    title: v.string(),
    content: v.string(),
    userId: v.optional(v.id("users")),
    published: v.boolean(),
    publishedAt: v.optional(v.number()),
    createdAt: v.string(),
    meta: v.any(),
  })
    .index("by_user", ["userId"])
    .global(),
  notes: defineTable({ body: v.string() }),
});
