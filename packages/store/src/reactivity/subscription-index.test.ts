import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type IndexKey, type KeyRange, rangeContains } from "./key-range";
import type { ReadRange, WriteSet } from "./read-write-sets";
import { SubscriptionIndex } from "./subscription-index";

// Small value domains make overlaps, shared prefixes and NULLs common.
const keyValue = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom("a", "b", "ab", ""),
);
const fullKey = fc.tuple(keyValue, keyValue, fc.constantFrom("id1", "id2", "id3")) as fc.Arbitrary<IndexKey>;
const prefix = fc.array(keyValue, { minLength: 0, maxLength: 3 }) as fc.Arbitrary<IndexKey>;
const bound = fc.option(fc.record({ key: prefix, inclusive: fc.boolean() }), { nil: null });
const range: fc.Arbitrary<KeyRange> = fc.record({ lower: bound, upper: bound });
const read: fc.Arbitrary<ReadRange> = fc.record({
  table: fc.constantFrom("t1", "t2"),
  index: fc.constantFrom("i1", "i2"),
  range,
});
const write = fc.record({
  table: fc.constantFrom("t1", "t2"),
  index: fc.constantFrom("i1", "i2"),
  before: fc.option(fullKey, { nil: null }),
  after: fc.option(fullKey, { nil: null }),
});

function bruteForce(subscriptions: Map<number, ReadRange[]>, writes: WriteSet): Set<number> {
  const touched = new Set<number>();
  for (const [id, reads] of subscriptions) {
    for (const w of writes) {
      for (const change of w.keys) {
        for (const r of reads) {
          if (r.table !== w.table || r.index !== change.index) continue;
          if (
            (change.before && rangeContains(r.range, change.before)) ||
            (change.after && rangeContains(r.range, change.after))
          ) {
            touched.add(id);
          }
        }
      }
    }
  }
  return touched;
}

describe("SubscriptionIndex", () => {
  it("touches exactly the subscriptions a brute-force scan finds, through adds, replaces and removes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(read, { maxLength: 4 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 10 }),
        fc.array(write, { minLength: 1, maxLength: 8 }),
        (readSets, removals, writes) => {
          const index = new SubscriptionIndex<number>();
          const model = new Map<number, ReadRange[]>();
          readSets.forEach((reads, id) => {
            index.set(id, reads);
            model.set(id, reads);
          });
          // Replace some read sets, then remove others, as re-runs and unsubscribes do.
          for (const id of removals) {
            if (id % 2 === 0 && model.has(id)) {
              const replaced = readSets[(id + 1) % readSets.length] ?? [];
              index.set(id, replaced);
              model.set(id, replaced);
            } else {
              index.delete(id);
              model.delete(id);
            }
          }
          const writeSet: WriteSet = writes.map((w, i) => ({
            table: w.table,
            id: `w${i}`,
            operation: "update",
            keys: [{ index: w.index, before: w.before, after: w.after }],
          }));
          expect([...index.affectedBy(writeSet)].sort((a, b) => a - b)).toEqual(
            [...bruteForce(model, writeSet)].sort((a, b) => a - b),
          );
          expect(index.size).toBe(model.size);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a write to another eq prefix does not touch the subscription", () => {
    const index = new SubscriptionIndex<string>();
    const list = (name: string): KeyRange => ({
      lower: { key: [name], inclusive: true },
      upper: { key: [name], inclusive: true },
    });
    index.set("groceries", [{ table: "tasks", index: "by_list", range: list("groceries") }]);
    index.set("chores", [{ table: "tasks", index: "by_list", range: list("chores") }]);
    const touched = index.affectedBy([
      {
        table: "tasks",
        id: "x",
        operation: "insert",
        keys: [{ index: "by_list", before: null, after: ["chores", "x"] }],
      },
    ]);
    expect([...touched]).toEqual(["chores"]);
  });
});
