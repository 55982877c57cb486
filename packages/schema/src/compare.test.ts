import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareIndexKeys, compareKeyValues, compareStrings } from "./compare";

const utf8 = new TextEncoder();

function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return Math.sign(x.length - y.length);
}

const keyValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.double({ noNaN: true }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.integer().map((n) => BigInt(n)),
  fc.integer(),
  fc.string({ unit: "binary" }),
  fc.uint8Array({ maxLength: 4 }).map((bytes) => bytes.slice().buffer),
);

describe("compareKeyValues", () => {
  it("orders types: absent, boolean, number, string, bytes", () => {
    const ordered = [undefined, false, true, -1, 0n, 0.5, 1, "", "a", new ArrayBuffer(0)];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareKeyValues(ordered[i], ordered[i + 1])).toBeLessThanOrEqual(0);
      expect(compareKeyValues(ordered[i + 1], ordered[i])).toBeGreaterThanOrEqual(0);
    }
    expect(compareKeyValues(null, undefined)).toBe(0);
  });

  it("compares numbers and bigints exactly", () => {
    expect(compareKeyValues(2n ** 53n + 1n, 2 ** 53)).toBe(1);
    expect(compareKeyValues(2 ** 53, 2n ** 53n)).toBe(0);
    expect(compareKeyValues(1.5, 1n)).toBe(1);
    expect(compareKeyValues(-1.5, -1n)).toBe(-1);
    expect(compareKeyValues(Number.NEGATIVE_INFINITY, -(2n ** 63n))).toBe(-1);
    expect(compareKeyValues(-0, 0)).toBe(0);
    expect(() => compareKeyValues(Number.NaN, 1)).toThrow(/NaN/);
  });

  it("orders astral characters like UTF-8 bytes, not UTF-16 units", () => {
    expect("\u{1F600}" < "\uFFFD").toBe(true);
    expect(compareKeyValues("\u{1F600}", "\uFFFD")).toBe(1);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(compareStrings(a, b)).toBe(compareUtf8(a, b));
      }),
    );
  });

  it("is antisymmetric and reflexive", () => {
    fc.assert(
      fc.property(keyValue, keyValue, (a, b) => {
        expect(compareKeyValues(a, b)).toBe(-compareKeyValues(b, a) || 0);
        expect(compareKeyValues(a, a)).toBe(0);
      }),
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(keyValue, keyValue, keyValue, (a, b, c) => {
        // Boxed, because Array.prototype.sort moves bare `undefined` to the end unasked.
        const [x, y, z] = [{ k: a }, { k: b }, { k: c }]
          .sort((p, q) => compareKeyValues(p.k, q.k))
          .map((p) => p.k);
        expect(compareKeyValues(x, y)).toBeLessThanOrEqual(0);
        expect(compareKeyValues(y, z)).toBeLessThanOrEqual(0);
        expect(compareKeyValues(x, z)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe("compareIndexKeys", () => {
  it("compares lexicographically with prefixes first", () => {
    expect(compareIndexKeys(["a", 1], ["a", 2])).toBe(-1);
    expect(compareIndexKeys(["b"], ["a", 2])).toBe(1);
    expect(compareIndexKeys(["a"], ["a", null])).toBe(-1);
    expect(compareIndexKeys([true, "x"], [true, "x"])).toBe(0);
  });
});
