import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64 } from "./base64";
import { OrreryError } from "./orrery-error";
import { decodeTagged, encodeTagged, fromWire, MAX_VALUE_DEPTH, nestsDeeperThan, toWire } from "./wire-value";

describe("toWire / fromWire", () => {
  it("tags bigints and bytes (typed-array views too) and leaves the rest as JSON", () => {
    expect(toWire({ n: -12n, b: new Uint8Array([0, 1, 2, 3]).subarray(1, 3), list: [undefined, 1] })).toEqual(
      {
        n: { $int64: "-12" },
        b: { $bytes: "AQI=" },
        list: [null, 1],
      },
    );
    expect(fromWire({ n: { $int64: "-12" }, plain: { $int64: 1 }, two: { $bytes: "AQI=", x: 1 } })).toEqual({
      n: -12n,
      plain: { $int64: 1 },
      two: { $bytes: "AQI=", x: 1 },
    });
  });

  it("keeps a __proto__ key as a key", () => {
    const back = fromWire(JSON.parse('{"__proto__":{"$int64":"1"}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(["__proto__"]);
    expect(JSON.stringify(toWire(back))).toBe('{"__proto__":{"$int64":"1"}}');
  });

  it("refuses a malformed tag with INVALID_ARGUMENT naming where it is", () => {
    const bytes = () => fromWire({ list: [{ photo: { $bytes: "not base64!" } }] });
    expect(bytes).toThrow(OrreryError);
    expect(bytes).toThrow(/^value\.list\[0\]\.photo: \{"\$bytes": …\}: "not base64!" is not base64/);
    try {
      bytes();
    } catch (error) {
      expect(error).toMatchObject({ name: "OrreryError", code: "INVALID_ARGUMENT" });
    }
    expect(() => fromWire({ n: { $int64: "12abc" } })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/^value\.n: /) }),
    );
    expect(() => decodeTagged([{ $int64: "" }], "args")).toThrow(/^args\[0\]: .*decimal integer/);
  });

  it("refuses what has no JSON form, naming the path", () => {
    expect(() => toWire({ a: [1, Number.NaN] })).toThrow(
      new TypeError("value.a[1]: NaN cannot be stored or sent: JSON has only finite numbers"),
    );
    expect(() => toWire({ f: () => 1 })).toThrow(/value\.f: a function cannot be stored or sent/);
  });
});

describe("encodeTagged, strict", () => {
  const strict = (value: unknown) => encodeTagged(value, { strict: true, path: "col" });

  it("sorts keys at every depth", () => {
    expect(JSON.stringify(strict({ b: 1, a: [2, { d: 1n, c: 2 }] }))).toBe(
      '{"a":[2,{"c":2,"d":{"$int64":"1"}}],"b":1}',
    );
  });

  it("refuses what would not come back as it went", () => {
    expect(() => strict({ x: [1, undefined] })).toThrow("col.x[1]: undefined cannot be stored in an array");
    expect(() => strict({ ok: 1, $tag: 1 })).toThrow('col.$tag: keys starting with "$" are reserved');
    expect(() => strict({ when: new Date(0) })).toThrow(
      "col.when: a non-plain object cannot be stored or sent",
    );
    expect(() => strict(new Uint8Array(1))).toThrow("col: a non-plain object cannot be stored or sent");
    const error = (path: string, reason: string) => new RangeError(`${path} | ${reason}`);
    expect(() => encodeTagged([Number.POSITIVE_INFINITY], { strict: true, error })).toThrow(RangeError);
  });
});

describe("base64", () => {
  it("round-trips every byte, in chunks larger than one String.fromCharCode call", () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString("base64"));
    expect(base64ToBytes(text)).toEqual(bytes);
    expect(base64ToBytes("AQI")).toEqual(new Uint8Array([1, 2]));
  });

  it("refuses text that is not base64 with INVALID_ARGUMENT", () => {
    expect(() => base64ToBytes("a")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});

describe("nesting depth", () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it("decodes a value nested the maximum depth, and refuses one level more with INVALID_ARGUMENT", () => {
    expect(fromWire(nested(MAX_VALUE_DEPTH))).toEqual(nested(MAX_VALUE_DEPTH));
    expect(() => fromWire(nested(MAX_VALUE_DEPTH + 1))).toThrow(OrreryError);
    expect(() => fromWire(nested(MAX_VALUE_DEPTH + 1))).toThrow(/nested deeper than 64 levels/);
  });

  it("refuses a value deep enough to overflow a recursive walk, without overflowing itself", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    expect(nestsDeeperThan(deep, MAX_VALUE_DEPTH)).toBe(true);
    expect(() => fromWire(deep)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(nestsDeeperThan(nested(MAX_VALUE_DEPTH), MAX_VALUE_DEPTH)).toBe(false);
    expect(nestsDeeperThan("flat", 0)).toBe(false);
  });
});
