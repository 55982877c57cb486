import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareKeyToPoint,
  comparePoints,
  type IndexKey,
  intersectRanges,
  type KeyPoint,
  type KeyRange,
  lowerPoint,
  rangeContains,
  upperPoint,
} from "./key-range";

const keyValue = fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 2 }), fc.constantFrom("a", "b"));
const prefix = fc.array(keyValue, { maxLength: 3 }) as fc.Arbitrary<IndexKey>;
const point: fc.Arbitrary<KeyPoint> = fc.oneof(
  fc.constantFrom<KeyPoint>("min", "max"),
  fc.record({ key: prefix, side: fc.constantFrom<-1 | 1>(-1, 1) }),
);
const fullKey = fc.tuple(keyValue, keyValue, fc.constantFrom("x", "y")) as fc.Arbitrary<IndexKey>;
// Prefix bounds, as withIndex builds them, and full-key bounds, as cursors make them.
const bound = fc.option(fc.record({ key: fc.oneof(prefix, fullKey), inclusive: fc.boolean() }), {
  nil: null,
});
const range: fc.Arbitrary<KeyRange> = fc.record({ lower: bound, upper: bound });

describe("key points", () => {
  it("are totally ordered", () => {
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        expect(Math.sign(comparePoints(a, b)) + Math.sign(comparePoints(b, a))).toBe(0);
        if (comparePoints(a, b) <= 0 && comparePoints(b, c) <= 0)
          expect(comparePoints(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("agree with range membership: a key is in a range exactly when it lies between its points", () => {
    fc.assert(
      fc.property(
        fullKey,
        fc.option(fc.record({ key: prefix, inclusive: fc.boolean() }), { nil: null }),
        fc.option(fc.record({ key: prefix, inclusive: fc.boolean() }), { nil: null }),
        (key, lower, upper) => {
          const between =
            compareKeyToPoint(key, lowerPoint(lower)) > 0 && compareKeyToPoint(key, upperPoint(upper)) < 0;
          expect(between).toBe(rangeContains({ lower, upper }, key));
        },
      ),
    );
  });

  it("a key never compares equal to a point, and ordering of keys is consistent with points", () => {
    fc.assert(
      fc.property(fullKey, point, (key, p) => {
        expect(compareKeyToPoint(key, p)).not.toBe(0);
        // The points just around a full key bracket it.
        expect(compareKeyToPoint(key, { key, side: -1 })).toBe(1);
        expect(compareKeyToPoint(key, { key, side: 1 })).toBe(-1);
      }),
    );
  });
});

describe("intersectRanges", () => {
  it("admits exactly the keys both ranges admit", () => {
    fc.assert(
      fc.property(range, range, fullKey, (a, b, key) => {
        expect(rangeContains(intersectRanges(a, b), key)).toBe(
          rangeContains(a, key) && rangeContains(b, key),
        );
      }),
    );
  });

  it("keeps the query's bound when a cursor bound lies outside it", () => {
    const query: KeyRange = {
      lower: { key: ["a"], inclusive: true },
      upper: { key: ["a"], inclusive: true },
    };
    const afterForeignKey: KeyRange = { lower: { key: ["0", 1, "x"], inclusive: false }, upper: null };
    expect(intersectRanges(query, afterForeignKey)).toEqual(query);
    const upToForeignKey: KeyRange = { lower: null, upper: { key: ["b", 1, "x"], inclusive: true } };
    expect(intersectRanges(query, upToForeignKey)).toEqual(query);
    const afterKeyInside: KeyRange = { lower: { key: ["a", 1, "x"], inclusive: false }, upper: null };
    expect(intersectRanges(query, afterKeyInside)).toEqual({
      lower: afterKeyInside.lower,
      upper: query.upper,
    });
  });
});
