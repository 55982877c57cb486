import { defineSchema, defineTable, v } from "@orrery/schema";

/** The schema every engine runs the conformance cases on. Names avoid the example app's tables. */
export const conformanceSchema = defineSchema({
  authors: defineTable({
    name: v.string(),
    email: v.optional(v.string()),
    karma: v.optional(v.int64()),
  }).index("by_name", ["name"]),
  posts: defineTable({
    author: v.id("authors"),
    title: v.string(),
    score: v.number(),
    published: v.boolean(),
    tags: v.array(v.string()),
    meta: v.optional(v.object({ views: v.int64(), source: v.union(v.literal("web"), v.literal("api")) })),
    attachment: v.optional(v.bytes()),
  })
    .index("by_author", ["author"])
    .index("by_score", ["score"])
    .index("by_published_score", ["published", "score"]),
  tallies: defineTable({ name: v.string(), value: v.int64() }).index("by_name", ["name"]),
  ledger: defineTable({ account: v.string(), amount: v.number(), note: v.optional(v.string()) })
    .index("by_account", ["account"])
    .global(),
});

export type ConformanceSchema = typeof conformanceSchema;
