import { describe, expect, it } from "vitest";
import { argsValidator } from "./args";
import { newDocumentId } from "./system-fields";
import { v } from "./v";
import { assertValid, ValidationError, validate } from "./validate";
import type { Validator } from "./validators";

function messages(validator: Validator, value: unknown, path = "args"): string[] {
  return validate(validator, value, path).map((i) => `${i.path}: ${i.message}`);
}

describe("validate", () => {
  const args = v.object({
    text: v.string(),
    items: v.array(v.object({ sku: v.string(), qty: v.number() })),
    note: v.optional(v.string()),
  });

  it("names the path of a nested problem", () => {
    const value = {
      text: "x",
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 2 },
        { sku: "c", qty: "3" },
      ],
    };
    expect(messages(args, value)).toEqual(["args.items[2].qty: expected number, got string"]);
  });

  it("reports missing and unexpected fields", () => {
    expect(messages(args, { items: [], foo: 1 })).toEqual([
      "args.text: required field is missing",
      "args.foo: unexpected field",
    ]);
  });

  it("treats optional fields as absent when missing or undefined", () => {
    expect(messages(args, { text: "a", items: [] })).toEqual([]);
    expect(messages(args, { text: "a", items: [], note: undefined })).toEqual([]);
    expect(messages(args, { text: "a", items: [], note: null })).toEqual([
      "args.note: expected string, got null",
    ]);
  });

  it("uses the default path 'value'", () => {
    expect(validate(v.string(), 1)).toEqual([{ path: "value", message: "expected string, got number" }]);
  });

  it.each([
    ["string", v.string(), "s", 1, "expected string, got number"],
    ["number", v.number(), 1.5, 1n, "expected number, got bigint"],
    ["number NaN", v.number(), 0, Number.NaN, "expected number, got NaN"],
    ["int64", v.int64(), 5n, 5, "expected int64 (bigint), got number"],
    [
      "int64 range",
      v.int64(),
      -(2n ** 63n),
      2n ** 63n,
      "expected int64, got bigint outside the 64-bit range",
    ],
    ["boolean", v.boolean(), false, 0, "expected boolean, got number"],
    ["null", v.null(), null, undefined, "expected null, got undefined"],
    ["bytes", v.bytes(), new ArrayBuffer(2), new Uint8Array(2), "expected ArrayBuffer, got Uint8Array"],
    ["id", v.id("tasks"), newDocumentId(), "nope", 'expected id of table "tasks", got string'],
    ["literal", v.literal("done"), "done", "todo", 'expected "done", got string'],
    ["bigint literal", v.literal(3n), 3n, 3, "expected 3n, got number"],
    ["array", v.array(v.number()), [1, 2], {}, "expected array, got object"],
    ["object", v.object({}), {}, [], "expected object, got array"],
    ["record", v.record(v.string(), v.number()), { a: 1 }, null, "expected record, got null"],
    ["union", v.union(v.string(), v.null()), null, 3, "expected string | null, got number"],
    ["any", v.any(), { a: [1n, "x", null] }, () => 1, "expected a storable value, got function"],
  ])("%s accepts and rejects", (_name, validator, good, bad, message) => {
    expect(validate(validator, good)).toEqual([]);
    expect(messages(validator, bad, "value")).toEqual([`value: ${message}`]);
  });

  it("rejects strings that cannot be stored everywhere", () => {
    expect(messages(v.string(), "a\u0000b")).toEqual(["args: string contains a NUL character"]);
    expect(messages(v.string(), "a\ud800")).toEqual(["args: string contains an unpaired surrogate"]);
    expect(messages(v.string(), "😀")).toEqual([]);
  });

  it("formats record keys as index or member paths", () => {
    const scores = v.record(v.string(), v.number());
    expect(messages(scores, { alice: 1, "bob smith": "x", ok: "y" })).toEqual([
      'args["bob smith"]: expected number, got string',
      "args.ok: expected number, got string",
    ]);
    expect(messages(v.record(v.literal("a"), v.number()), { b: 1 })).toEqual(['args.b: key expected "a"']);
    expect(messages(scores, { $x: 1 })).toEqual(['args.$x: keys starting with "$" are reserved']);
  });

  it("reports the issues of the one union member matching the value's shape", () => {
    const item = v.union(v.string(), v.object({ sku: v.string() }));
    expect(messages(item, { sku: 1 })).toEqual(["args.sku: expected string, got number"]);
    const shape = v.union(
      v.object({ kind: v.literal("circle"), r: v.number() }),
      v.object({ kind: v.literal("square"), side: v.number() }),
    );
    expect(messages(shape, { kind: "square", side: "2" })).toEqual([
      "args.side: expected number, got string",
    ]);
    expect(messages(shape, { kind: "hexagon" })).toEqual(["args: expected object | object, got object"]);
    expect(messages(v.union(v.literal("a"), v.literal("b")), "c")).toEqual([
      'args: expected "a" | "b", got string',
    ]);
  });

  it("checks that v.any values are storable", () => {
    expect(messages(v.any(), { a: [1, undefined], $b: 1, c: new Date(0) })).toEqual([
      "args.a[1]: undefined is not storable",
      'args.$b: keys starting with "$" are reserved',
      "args.c: expected a storable value, got Date",
    ]);
  });
});

describe("assertValid", () => {
  it("throws a ValidationError with code and issues", () => {
    const validator = v.object({ a: v.string(), b: v.number() });
    let caught: unknown;
    try {
      assertValid(validator, { a: 1 }, "args");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe("args.a: expected string, got number; args.b: required field is missing");
    expect(error.issues).toHaveLength(2);
  });

  it("narrows the value when valid", () => {
    const value: unknown = { a: "x" };
    assertValid(v.object({ a: v.string() }), value);
    expect(value.a.toUpperCase()).toBe("X");
  });
});

describe("validator construction", () => {
  it("serialises to plain JSON", () => {
    expect(v.id("tasks").toJSON()).toEqual({ kind: "id", tableName: "tasks" });
    expect(JSON.parse(JSON.stringify(v.object({ a: v.optional(v.int64()), b: v.literal(2n) })))).toEqual({
      kind: "object",
      fields: { a: { kind: "int64", isOptional: true }, b: { kind: "literal", value: { $int64: "2" } } },
    });
    expect(v.union(v.string(), v.array(v.null())).toJSON()).toEqual({
      kind: "union",
      members: [{ kind: "string" }, { kind: "array", element: { kind: "null" } }],
    });
    expect(v.record(v.string(), v.bytes()).toJSON()).toEqual({
      kind: "record",
      keys: { kind: "string" },
      values: { kind: "bytes" },
    });
  });

  it("keeps the kind of an optional validator", () => {
    const optional = v.optional(v.id("users"));
    expect(optional.kind).toBe("id");
    expect(optional.tableName).toBe("users");
    expect(optional.isOptional).toBe(true);
    expect(validate(optional, undefined)).toEqual([]);
  });

  it("refuses optional outside object fields and bad literals", () => {
    const optional = v.optional(v.string()) as unknown as Validator<string, false>;
    expect(() => v.array(optional)).toThrow(/only allowed for object fields/);
    expect(() => v.union(v.null(), optional)).toThrow(/only allowed for object fields/);
    expect(() => v.literal(Number.NaN)).toThrow(/finite/);
    expect(() => v.record(v.number(), v.number())).toThrow(/keys must be/);
    expect(() => v.object({ $a: v.string() })).toThrow(/reserved/);
  });
});

describe("argsValidator", () => {
  it("wraps a record of validators and passes an object validator through", () => {
    const fromRecord = argsValidator({ kind: v.string() });
    expect(fromRecord.kind).toBe("object");
    expect(Object.keys(fromRecord.fields)).toEqual(["kind"]);
    const object = v.object({ a: v.number() });
    expect(argsValidator(object)).toBe(object);
    expect(() => argsValidator(v.string() as unknown as ReturnType<typeof v.object>)).toThrow(
      /object validator/,
    );
  });
});
