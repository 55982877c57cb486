// Compile-time checks of defineSeed's typing (tsc runs over test/): table names, row shapes and
// key fields come from the schema. Nothing here runs.
import { defineSchema, defineSeed, defineTable, seedId, v } from "@orrery/schema";

const schema = defineSchema({
  users: defineTable({ email: v.string(), age: v.optional(v.number()) }).global(),
  posts: defineTable({ slug: v.string(), author: v.id("users") }),
});

export const fine = defineSeed(schema, {
  tables: {
    users: { key: ["email"], rows: [{ email: "a@b.c" }, { email: "d@e.f", age: 3 }] },
    posts: {
      key: ["slug"],
      *rows() {
        yield { slug: "s", author: seedId("users", { email: "a@b.c" }) };
      },
    },
  },
});

export const asyncRows = defineSeed(schema, {
  tables: { users: { key: ["email"], rows: async () => [{ email: "x@y.z" }] } },
});

defineSeed(schema, {
  tables: {
    // @ts-expect-error: not a table of the schema
    ghosts: { key: ["x"], rows: [] },
  },
});

defineSeed(schema, {
  tables: {
    // @ts-expect-error: "name" is not a field of users
    users: { key: ["name"], rows: [] },
  },
});

defineSeed(schema, {
  tables: {
    // @ts-expect-error: age must be a number
    users: { key: ["email"], rows: [{ email: "a@b.c", age: "3" }] },
  },
});

defineSeed(schema, {
  tables: {
    // @ts-expect-error: author must be an id of users (a plain string is not)
    posts: { key: ["slug"], rows: [{ slug: "s", author: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }] },
  },
});

defineSeed(schema, {
  tables: {
    // @ts-expect-error: a key needs at least one field
    users: { key: [], rows: [] },
  },
});
