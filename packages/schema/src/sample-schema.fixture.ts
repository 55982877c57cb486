// A schema shared by the tests: one DO table with every field kind, one global table.
import { defineSchema } from "./schema";
import { defineTable } from "./table";
import { v } from "./v";

export const tasks = defineTable({
  list: v.id("lists"),
  text: v.string(),
  done: v.boolean(),
  priority: v.number(),
  points: v.int64(),
  status: v.union(v.literal("todo"), v.literal("doing"), v.literal("done")),
  due: v.optional(v.number()),
  tags: v.array(v.string()),
  meta: v.object({ color: v.string(), weight: v.optional(v.int64()) }),
  extra: v.optional(v.any()),
  blob: v.optional(v.bytes()),
  note: v.optional(v.union(v.string(), v.null())),
})
  .index("by_list", ["list", "done"])
  .index("by_status", ["status", "_creationTime"]);

export const counters = defineTable({
  name: v.string(),
  value: v.int64(),
  label: v.optional(v.string()),
})
  .index("by_name", ["name"])
  .global();

export const schema = defineSchema({ tasks, counters });
