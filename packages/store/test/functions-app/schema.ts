import { defineSchema, defineTable, v } from "@orrery/schema";

/** The functions tests' own app: a todo list and named counters. */
export const schema = defineSchema({
  tasks: defineTable({
    list: v.string(),
    text: v.string(),
    done: v.boolean(),
    owner: v.optional(v.string()),
  }).index("by_list", ["list"]),
  counters: defineTable({ name: v.string(), value: v.number() }).index("by_name", ["name"]),
});

export type Schema = typeof schema;

/** The Worker env the test actions see. */
export interface Env {
  readonly GREETING: string;
}
