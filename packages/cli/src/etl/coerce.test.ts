import { type Codec, fieldCodec, type Validator, v } from "@orrery/schema";
import { describe, expect, it } from "vitest";
import { CoerceError, type CoerceTarget, coerceValue, parseIsoDate } from "./coerce";

function target(validator: Validator, extra: Partial<CoerceTarget> = {}): CoerceTarget {
  return {
    field: "f",
    validator,
    codec: fieldCodec(validator) as Codec,
    dateLike: false,
    noNul: false,
    ...extra,
  };
}

const fails = (raw: unknown, t: CoerceTarget) => {
  try {
    coerceValue(raw, t);
  } catch (error) {
    expect(error).toBeInstanceOf(CoerceError);
    return (error as Error).message;
  }
  throw new Error(`${String(raw)} was coerced`);
};

describe("coerceValue", () => {
  it("turns 0/1 (and their spellings) into booleans, and refuses anything else", () => {
    expect(coerceValue(1, target(v.boolean()))).toBe(true);
    expect(coerceValue(0, target(v.boolean()))).toBe(false);
    expect(coerceValue("true", target(v.boolean()))).toBe(true);
    expect(coerceValue("F", target(v.boolean()))).toBe(false);
    expect(fails(2, target(v.boolean()))).toBe("2 is not a boolean (0 or 1)");
  });

  it("keeps integers beyond 2^53 exact as int64 and refuses to round them into a number", () => {
    expect(coerceValue(2n ** 60n + 1n, target(v.int64()))).toBe(2n ** 60n + 1n);
    expect(coerceValue(2 ** 31 + 5, target(v.int64()))).toBe(2n ** 31n + 5n);
    expect(coerceValue("-9223372036854775808", target(v.int64()))).toBe(-(2n ** 63n));
    expect(fails("9223372036854775808", target(v.int64()))).toContain("outside the int64 range");
    expect(fails(1.5, target(v.int64()))).toBe("1.5 is not an integer");
    expect(fails(2n ** 60n + 1n, target(v.number()))).toContain("does not fit a double exactly");
  });

  it("reads ms timestamps and ISO text as dates: a number or int64 of ms, or ISO text", () => {
    expect(coerceValue("2024-03-01T12:00:00.250Z", target(v.number()))).toBe(
      Date.UTC(2024, 2, 1, 12, 0, 0, 250),
    );
    // SQLite's datetime() has no zone: UTC.
    expect(coerceValue("2024-03-01 12:00:00", target(v.number()))).toBe(Date.UTC(2024, 2, 1, 12));
    expect(coerceValue("2024-03-01", target(v.int64()))).toBe(BigInt(Date.UTC(2024, 2, 1)));
    expect(coerceValue("2024-03-01T12:00:00+02:00", target(v.number()))).toBe(Date.UTC(2024, 2, 1, 10));
    expect(coerceValue(1_700_000_000_000, target(v.string(), { dateLike: true }))).toBe(
      "2023-11-14T22:13:20.000Z",
    );
    expect(coerceValue(new Date(5), target(v.number()))).toBe(5);
    expect(parseIsoDate("yesterday")).toBeUndefined();
    expect(fails("soon", target(v.number(), { dateLike: true }))).toBe(
      '"soon" is not a number or an ISO date',
    );
  });

  it("parses JSON text and checks it against the field; text that is not JSON stays text only where allowed", () => {
    const settings = v.object({ theme: v.union(v.literal("dark"), v.literal("light")) });
    expect(coerceValue('{"theme":"dark"}', target(settings))).toEqual({ theme: "dark" });
    expect(fails('{"theme":"blue"}', target(settings))).toMatch(/^"\{\\"theme\\":\\"blue\\"}": /);
    expect(fails("{oops", target(settings))).toBe('"{oops" is not valid JSON');
    expect(coerceValue("plain words", target(v.union(v.string(), v.number())))).toBe("plain words");
    expect(coerceValue("[1,2]", target(v.any()))).toEqual([1, 2]);
  });

  it("turns a BLOB into an ArrayBuffer of its own (not a view of the driver's memory)", () => {
    const bytes = Uint8Array.from([1, 2, 3, 4]).subarray(1, 3);
    const result = coerceValue(bytes, target(v.bytes())) as ArrayBuffer;
    expect(result).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(result)]).toEqual([2, 3]);
    expect(fails("abc", target(v.bytes()))).toBe('"abc" is not a BLOB');
  });

  it("makes NULL an absent optional field, null where the field takes null, and refuses it elsewhere", () => {
    expect(coerceValue(null, target(v.optional(v.string())))).toBeUndefined();
    expect(coerceValue(null, target(v.union(v.null(), v.number())))).toBeNull();
    expect(fails(null, target(v.string()))).toBe("NULL, but the field is required");
  });

  it("checks literals and ids, and what each engine refuses", () => {
    expect(fails("draft", target(v.literal("published")))).toContain("expected");
    expect(fails("not-an-id", target(v.id("users")))).toContain("expected");
    expect(fails("x".repeat(256), target(v.string(), { maxLength: 255 }))).toContain("longer than 255");
    expect(fails("a\0b", target(v.string(), { noNul: true }))).toContain("NUL");
    expect(fails(Number.POSITIVE_INFINITY, target(v.number()))).toBe("Infinity is not a finite number");
  });
});
