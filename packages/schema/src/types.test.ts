// Type-level tests: `tsc -p tsconfig.json` checks them; at run time they are no-ops.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { schema } from "./sample-schema.fixture";
import { defineTable } from "./table";
import type { DocOf, Id, IndexFieldsOf, IndexNamesOf, TableNamesOf, WithoutSystemFields } from "./types";
import { v } from "./v";
import type { Infer } from "./validators";

type Schema = typeof schema;

describe("type inference", () => {
  it("infers scalar and id types", () => {
    expectTypeOf<Infer<ReturnType<typeof v.string>>>().toEqualTypeOf<string>();
    expectTypeOf<Infer<ReturnType<typeof v.int64>>>().toEqualTypeOf<bigint>();
    expectTypeOf<Infer<ReturnType<typeof v.bytes>>>().toEqualTypeOf<ArrayBuffer>();
    const id = v.id("tasks");
    expectTypeOf<Infer<typeof id>>().toEqualTypeOf<Id<"tasks">>();
    // @ts-expect-error ids of different tables do not mix
    const wrong: Id<"tasks"> = "x" as Id<"users">;
    expectTypeOf(wrong).toBeString();
  });

  it("infers literals, unions, arrays and records", () => {
    const status = v.union(v.literal("todo"), v.literal("done"), v.null());
    expectTypeOf<Infer<typeof status>>().toEqualTypeOf<"todo" | "done" | null>();
    const list = v.array(v.union(v.number(), v.literal(5n)));
    expectTypeOf<Infer<typeof list>>().toEqualTypeOf<(number | 5n)[]>();
    const scores = v.record(v.string(), v.boolean());
    expectTypeOf<Infer<typeof scores>>().toEqualTypeOf<Record<string, boolean>>();
  });

  it("makes optional object fields optional keys", () => {
    const obj = v.object({ a: v.string(), b: v.optional(v.number()) });
    expectTypeOf<Infer<typeof obj>>().toEqualTypeOf<{ a: string; b?: number }>();
    // The runtime refuses it as well (see validate.test.ts); the type error comes first.
    // @ts-expect-error an optional validator cannot be an array element
    expect(() => v.array(v.optional(v.string()))).toThrow(TypeError);
  });

  it("derives documents, table and index names from a schema", () => {
    expectTypeOf<TableNamesOf<Schema>>().toEqualTypeOf<"tasks" | "counters">();
    type Counter = DocOf<Schema, "counters">;
    expectTypeOf<Counter>().toEqualTypeOf<{
      name: string;
      value: bigint;
      label?: string;
      _id: Id<"counters">;
      _creationTime: number;
      _version: number;
    }>();
    expectTypeOf<WithoutSystemFields<Counter>>().toEqualTypeOf<{
      name: string;
      value: bigint;
      label?: string;
    }>();
    type Task = DocOf<Schema, "tasks">;
    expectTypeOf<Task["list"]>().toEqualTypeOf<Id<"lists">>();
    expectTypeOf<Task["status"]>().toEqualTypeOf<"todo" | "doing" | "done">();
    expectTypeOf<Task["note"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<IndexNamesOf<Schema, "tasks">>().toEqualTypeOf<
      "by_list" | "by_status" | "by_creation_time"
    >();
    expectTypeOf<IndexFieldsOf<Schema, "tasks", "by_list">>().toEqualTypeOf<["list", "done"]>();
    expectTypeOf<IndexFieldsOf<Schema, "tasks", "by_creation_time">>().toEqualTypeOf<["_creationTime"]>();
    expectTypeOf<IndexNamesOf<Schema, "counters">>().toEqualTypeOf<"by_name" | "by_creation_time">();
  });

  it("type-checks index fields", () => {
    const table = defineTable({ list: v.string(), tags: v.array(v.string()) });
    const indexed = table.index("by_list", ["list", "_creationTime"]);
    expectTypeOf(indexed.isGlobal).toEqualTypeOf<false>();
    expectTypeOf(indexed.global().isGlobal).toEqualTypeOf<true>();
    // @ts-expect-error unknown field
    table.index("by_nope", ["nope"]);
    // @ts-expect-error arrays are stored as JSON and cannot be indexed
    table.index("by_tags", ["tags"]);
    // @ts-expect-error an index needs at least one field
    table.index("by_nothing", []);
  });
});
