import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeDocument, decodeValue, encodeDocument, encodeValue, type SqlValue } from "./codec";
import { type ColumnSpec, type Engine, tableColumn, tableColumns } from "./columns";
import { decodeJson, encodeJson } from "./json";
import { counters, tasks } from "./sample-schema.fixture";
import { newDocumentId } from "./system-fields";
import { v } from "./v";
import { validate } from "./validate";

const engines: Engine[] = ["sqlite", "postgres", "mysql"];

// What each engine's usual driver hands back for a value that was written as `value`.
function throughDriver(engine: Engine, column: ColumnSpec, value: SqlValue): unknown {
  if (value === null) return null;
  if (engine === "sqlite") {
    if (column.codec === "int64") {
      const n = BigInt(value as string);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    if (column.codec === "bytes") return (value as Uint8Array).slice().buffer;
    return value;
  }
  if (column.codec === "json") return JSON.parse(value as string);
  if (column.codec === "bytes") return Buffer.from(value as Uint8Array);
  if (column.codec === "int64" || column.name === "_version") return String(value);
  return value;
}

const safeString = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\u0000"));
const finiteDouble = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map((n) => (Object.is(n, -0) ? 0 : n));
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const bytes = fc.uint8Array({ maxLength: 8 }).map((b) => b.slice().buffer);

const { storable } = fc.letrec((tie) => ({
  storable: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    finiteDouble,
    int64,
    safeString,
    bytes,
    fc.array(tie("storable"), { maxLength: 3 }),
    fc.dictionary(
      safeString.filter((k) => !k.startsWith("$")),
      tie("storable"),
      { maxKeys: 3 },
    ),
  ),
}));

const taskDoc = fc.record(
  {
    _id: fc.constant(null).map(() => newDocumentId()),
    _creationTime: fc.integer({ min: 0, max: 2 ** 45 }).map((n) => n + 0.5),
    _version: fc.integer({ min: 1, max: 2 ** 40 }),
    list: fc.constant(null).map(() => newDocumentId()),
    text: safeString,
    done: fc.boolean(),
    priority: fc.double({ noNaN: true, noDefaultInfinity: true }),
    points: int64,
    status: fc.constantFrom("todo", "doing", "done"),
    due: finiteDouble,
    tags: fc.array(safeString, { maxLength: 3 }),
    meta: fc.record({ color: safeString, weight: int64 }, { requiredKeys: ["color"] }),
    extra: storable,
    blob: bytes,
    note: fc.option(safeString),
  },
  {
    requiredKeys: [
      "_id",
      "_creationTime",
      "_version",
      "list",
      "text",
      "done",
      "priority",
      "points",
      "status",
      "tags",
      "meta",
    ],
  },
);

describe("encodeDocument / decodeDocument", () => {
  const fieldsValidator = v.object(tasks.fields);

  it.each(engines)("round-trips random documents on %s", (engine) => {
    const columns = new Map(tableColumns(tasks, engine).map((c) => [c.name, c]));
    fc.assert(
      fc.property(taskDoc, (doc) => {
        const { _id, _creationTime, _version, ...userFields } = doc;
        // The generator must produce documents the table's validators accept.
        expect(validate(fieldsValidator, userFields)).toEqual([]);
        const row = encodeDocument(tasks, doc, engine);
        const fetched = Object.fromEntries(
          Object.entries(row).map(([name, value]) => [
            name,
            throughDriver(engine, columns.get(name)!, value),
          ]),
        );
        expect(decodeDocument(tasks, fetched, engine)).toEqual(doc);
      }),
      { numRuns: 200 },
    );
  });

  it("writes every field column (NULL when absent) and only the system columns present", () => {
    const row = encodeDocument(counters, { name: "a", value: 3n, _namespace: "ws1" }, "postgres");
    expect(row).toEqual({ _namespace: "ws1", name: "a", value: "3", label: null });
  });

  it("omits absent optional fields and ignores _namespace when decoding", () => {
    const id = newDocumentId();
    const doc = decodeDocument(
      counters,
      { _id: id, _creationTime: 1, _version: "2", _namespace: "ws1", name: "a", value: 3, label: null },
      "mysql",
    );
    expect(doc).toStrictEqual({ _id: id, _creationTime: 1, _version: 2, name: "a", value: 3n });
    expect(Object.hasOwn(doc, "label")).toBe(false);
  });

  it("refuses unknown fields, missing required fields and NULL required columns", () => {
    expect(() => encodeDocument(counters, { name: "a", value: 1n, bogus: 1 }, "sqlite")).toThrow(
      /column "bogus": is not a field/,
    );
    expect(() => encodeDocument(counters, { name: "a" }, "sqlite")).toThrow(/column "value": is NOT NULL/);
    expect(() =>
      decodeDocument(counters, { _id: "x", _creationTime: 1, _version: 1, name: "a" }, "sqlite"),
    ).toThrow(/column "value": is NULL/);
  });
});

describe("encodeValue / decodeValue", () => {
  const col = (name: string, engine: Engine) => tableColumn(tasks, engine, name);

  it("encodes int64 as a decimal string everywhere and decodes number, bigint or string", () => {
    for (const engine of engines) {
      expect(encodeValue(col("points", engine), -(2n ** 63n), engine)).toBe("-9223372036854775808");
      expect(decodeValue(col("points", engine), 5, engine)).toBe(5n);
      expect(decodeValue(col("points", engine), 5n, engine)).toBe(5n);
      expect(decodeValue(col("points", engine), "9223372036854775807", engine)).toBe(2n ** 63n - 1n);
    }
  });

  it("encodes booleans per engine and decodes every driver form", () => {
    expect(encodeValue(col("done", "sqlite"), true, "sqlite")).toBe(1);
    expect(encodeValue(col("done", "mysql"), false, "mysql")).toBe(0);
    expect(encodeValue(col("done", "postgres"), true, "postgres")).toBe(true);
    const done = col("done", "postgres");
    for (const [raw, expected] of [
      [true, true],
      [0, false],
      [1n, true],
      ["t", true],
      ["f", false],
      ["1", true],
      ["0", false],
    ] as const) {
      expect(decodeValue(done, raw, "postgres")).toBe(expected);
    }
    expect(() => decodeValue(done, "maybe", "postgres")).toThrow(/as a boolean/);
  });

  it("tags bigints, bytes, top-level strings and nulls in JSON", () => {
    const extra = col("extra", "sqlite");
    expect(encodeValue(extra, { b: 1n, a: new Uint8Array([1, 2, 255]).buffer }, "sqlite")).toBe(
      '{"a":{"$bytes":"AQL/"},"b":{"$int64":"1"}}',
    );
    expect(encodeValue(extra, "hi", "sqlite")).toBe('{"$string":"hi"}');
    expect(encodeValue(extra, null, "sqlite")).toBe('{"$null":true}');
    expect(encodeValue(extra, undefined, "sqlite")).toBeNull();
    expect(decodeValue(extra, { $string: "123" }, "postgres")).toBe("123");
    expect(decodeValue(extra, { $null: true }, "mysql")).toBeNull();
    expect(decodeValue(extra, "null", "sqlite")).toBeNull();
    expect(decodeValue(extra, null, "mysql")).toBeUndefined();
    expect(decodeValue(extra, [{ $int64: "7" }], "postgres")).toEqual([7n]);
    expect(() => encodeValue(extra, { $int64: "1" }, "sqlite")).toThrow(/reserved/);
    expect(() => encodeValue(extra, [Number.POSITIVE_INFINITY], "sqlite")).toThrow(/cannot be stored/);
  });

  it("keeps JSON deterministic and __proto__ an ordinary key", () => {
    expect(encodeJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
    const tricky = decodeJson('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(tricky)).toBe(Object.prototype);
    expect(Object.keys(tricky)).toEqual(["__proto__"]);
  });

  it("decodes bytes from ArrayBuffer, Uint8Array or Buffer into a fresh ArrayBuffer", () => {
    const blob = col("blob", "mysql");
    const pooled = Buffer.from([9, 1, 2, 3, 9]).subarray(1, 4);
    const decoded = decodeValue(blob, pooled, "mysql") as ArrayBuffer;
    expect(decoded).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(decoded)]).toEqual([1, 2, 3]);
    const source = new Uint8Array([4]).buffer;
    expect(decodeValue(blob, source, "sqlite")).not.toBe(source);
    expect(encodeValue(blob, source, "sqlite")).toEqual(new Uint8Array([4]));
  });

  it("refuses values of the wrong type with the column name", () => {
    expect(() => encodeValue(col("text", "sqlite"), 1, "sqlite")).toThrow(/column "text": expected a string/);
    expect(() => encodeValue(col("priority", "sqlite"), Number.NaN, "sqlite")).toThrow(/finite number/);
    expect(() => encodeValue(col("text", "sqlite"), null, "sqlite")).toThrow(/NOT NULL/);
  });
});
