import { describe, expect, it } from "vitest";
import { counters, schema, tasks } from "./sample-schema.fixture";
import { defineSchema } from "./schema";
import { defineTable, indexKeyColumns, tableIndexes } from "./table";
import { v } from "./v";
import type { Validator } from "./validators";

describe("defineTable", () => {
  it("is immutable: index and global return new definitions", () => {
    const base = defineTable({ list: v.string() });
    const indexed = base.index("by_list", ["list"]);
    const global = indexed.global();
    expect(base.indexes).toEqual([]);
    expect(indexed.indexes).toEqual([{ name: "by_list", fields: ["list"] }]);
    expect(indexed.isGlobal).toBe(false);
    expect(global.isGlobal).toBe(true);
    expect(global.indexes).toEqual(indexed.indexes);
  });

  it("lists by_creation_time with the user's indexes", () => {
    expect(tableIndexes(tasks)).toEqual([
      { name: "by_creation_time", fields: ["_creationTime"] },
      { name: "by_list", fields: ["list", "done"] },
      { name: "by_status", fields: ["status", "_creationTime"] },
    ]);
  });

  it("ends every physical key with _id and starts global keys with _namespace", () => {
    expect(indexKeyColumns(tasks, ["list", "done"])).toEqual(["list", "done", "_id"]);
    expect(indexKeyColumns(counters, ["name"])).toEqual(["_namespace", "name", "_id"]);
  });
});

describe("defineSchema", () => {
  it("keeps the tables", () => {
    expect(Object.keys(schema.tables)).toEqual(["tasks", "counters"]);
    expect(schema.tables.counters.isGlobal).toBe(true);
  });

  const ok = defineTable({ a: v.string() });
  it.each([
    ["Tasks", /table name "Tasks" must match/],
    ["1tasks", /must match/],
    ["my-table", /must match/],
    ["_orrery_x", /must match/],
    ["_private", /must match/],
    ["x".repeat(64), /at most 63/],
  ])("rejects table name %s", (name, error) => {
    expect(() => defineSchema({ [name]: ok })).toThrow(error);
  });

  it("reserves _orrery table names", () => {
    expect(() => defineSchema({ _orrery: ok })).toThrow(/must match/);
    expect(defineSchema({ orrery: ok }).tables.orrery).toBe(ok);
  });

  it.each([
    [{ _secret: v.string() }, /names starting with "_" are reserved/],
    [{ "a b": v.string() }, /must match/],
    [{ Name: v.string(), name: v.string() }, /differs from field "Name" only by case/],
    [{ a: "string" as unknown as Validator }, /is not a validator/],
  ])("rejects bad fields %#", (fields, error) => {
    expect(() => defineSchema({ t: defineTable(fields) })).toThrow(error);
  });

  it("rejects bad indexes", () => {
    const t = defineTable({
      a: v.string(),
      tags: v.array(v.string()),
      raw: v.bytes(),
      mixed: v.union(v.literal("a"), v.literal(1)),
      maybe: v.union(v.string(), v.null()),
    });
    const bad = (table: ReturnType<typeof t.index>) => () => defineSchema({ t: table });
    expect(bad(t.index("by_a", ["a"]).index("by_a", ["a"]))).toThrow(/index "by_a": is defined twice/);
    expect(bad(t.index("by_creation_time", ["a"]))).toThrow(/reserved for a system index/);
    expect(bad(t.index("by_id", ["a"]))).toThrow(/reserved for a system index/);
    expect(bad(t.index("by_x", ["nope" as "a"]))).toThrow(/field "nope" does not exist/);
    expect(bad(t.index("by_tags", ["tags" as "a"]))).toThrow(
      /field "tags" is stored as JSON and cannot be indexed/,
    );
    expect(bad(t.index("by_raw", ["raw" as "a"]))).toThrow(/stored as bytes/);
    expect(bad(t.index("by_mixed", ["mixed"]))).toThrow(/stored as JSON/);
    expect(bad(t.index("by_maybe", ["maybe"]))).toThrow(/stored as JSON/);
    expect(bad(t.index("by_aa", ["a", "a"]))).toThrow(/appears twice/);
    expect(bad(t.index("by a", ["a"]))).toThrow(/name must match/);
    expect(bad(t.index("i".repeat(61), ["a"]))).toThrow(/exceeds 63/);
  });

  it("accepts indexes on scalar, optional and enum fields", () => {
    const t = defineTable({
      a: v.optional(v.string()),
      b: v.union(v.literal(1), v.literal(2)),
      c: v.optional(v.literal(true)),
    }).index("by_all", ["a", "b", "c", "_creationTime"]);
    expect(defineSchema({ t }).tables.t.indexes).toHaveLength(1);
  });
});
