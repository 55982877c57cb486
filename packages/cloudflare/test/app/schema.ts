import { defineSchema, defineTable, v } from "@orrery/schema";

/** A user's app that knows nothing of the example: one table of notes. */
export const schema = defineSchema({
  notes: defineTable({ board: v.string(), text: v.string() }).index("by_board", ["board"]),
});
