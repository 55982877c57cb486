import { type Codec, type Validator, validate } from "@orrery/schema";

/** A value that cannot become the field's type; the message says why, in a few words. */
export class CoerceError extends Error {}

/** What a column's values are coerced to: one field of a `.global()` table. */
export interface CoerceTarget {
  readonly field: string;
  readonly validator: Validator;
  readonly codec: Codec;
  /** The column holds dates (declared DATE/TIME…, or the table's timestamp column). */
  readonly dateLike: boolean;
  /** The longest string the column takes (MySQL's indexed VARCHAR(255)). */
  readonly maxLength?: number;
  /** Postgres text and JSONB refuse the NUL character. */
  readonly noNul: boolean;
}

// ISO 8601 as apps and SQLite's datetime() write it; without a zone it is UTC (SQLite's).
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const PLAIN: Partial<Record<string, Codec>> = {
  string: "text",
  number: "float",
  int64: "int64",
  boolean: "boolean",
  bytes: "bytes",
};

/** Milliseconds since the epoch of ISO text, or undefined when it is not an ISO date. */
export function parseIsoDate(text: string): number | undefined {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return undefined;
  const [, day, time, zone] = match;
  const ms = Date.parse(time ? `${day}T${time}${zone ?? "Z"}` : `${day}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

const show = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "bigint") return `${value}`;
  if (value instanceof Uint8Array) return `a ${value.byteLength}-byte BLOB`;
  return String(value);
};

function toNumber(value: unknown, target: CoerceTarget): number {
  let n: number | undefined;
  if (typeof value === "number") n = value;
  else if (typeof value === "bigint") {
    n = Number(value);
    if (BigInt(n) !== value) throw new CoerceError(`${value} does not fit a double exactly (use v.int64())`);
  } else if (typeof value === "string") {
    n = parseIsoDate(value) ?? (DECIMAL.test(value.trim()) ? Number(value) : undefined);
  } else if (typeof value === "boolean") n = value ? 1 : 0;
  if (n === undefined)
    throw new CoerceError(`${show(value)} is not a number${target.dateLike ? " or an ISO date" : ""}`);
  if (!Number.isFinite(n)) throw new CoerceError(`${show(value)} is not a finite number`);
  return n;
}

function toInt64(value: unknown): bigint {
  let result: bigint | undefined;
  if (typeof value === "bigint") result = value;
  else if (typeof value === "number" && Number.isInteger(value)) result = BigInt(value);
  else if (typeof value === "string") {
    const date = parseIsoDate(value);
    if (date !== undefined) result = BigInt(date);
    else if (INTEGER.test(value.trim())) result = BigInt(value.trim());
  }
  if (result === undefined) throw new CoerceError(`${show(value)} is not an integer`);
  if (result < INT64_MIN || result > INT64_MAX) throw new CoerceError(`${value} is outside the int64 range`);
  return result;
}

function toBoolean(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "1" || text === "true" || text === "t") return true;
    if (text === "0" || text === "false" || text === "f") return false;
  }
  throw new CoerceError(`${show(value)} is not a boolean (0 or 1)`);
}

function toText(value: unknown, target: CoerceTarget): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "bigint")
    text = target.dateLike && typeof value === "number" ? new Date(value).toISOString() : String(value);
  else if (typeof value === "boolean") text = String(value);
  else throw new CoerceError(`${show(value)} cannot be a string`);
  if (target.maxLength !== undefined && [...text].length > target.maxLength)
    throw new CoerceError(
      `${show(text)} is longer than ${target.maxLength} characters, the most an indexed string holds on MySQL`,
    );
  return text;
}

function toBytes(value: unknown): ArrayBuffer {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) {
    const copy = new Uint8Array(value.byteLength);
    copy.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return copy.buffer;
  }
  throw new CoerceError(`${show(value)} is not a BLOB`);
}

function toJson(value: unknown, target: CoerceTarget): unknown {
  if (ArrayBuffer.isView(value)) return toBytes(value);
  if (typeof value !== "string") return value;
  // JSON text becomes its value; text that is not JSON stays a string when the field takes one.
  try {
    const parsed: unknown = JSON.parse(value);
    if (validate(target.validator, parsed, target.field).length === 0) return parsed;
  } catch {
    if (validate(target.validator, value, target.field).length === 0) return value;
    throw new CoerceError(`${show(value)} is not valid JSON`);
  }
  return value;
}

function convert(value: unknown, target: CoerceTarget): unknown {
  switch (target.codec) {
    case "text":
    case "id":
      return toText(value, target);
    case "float":
      return toNumber(value, target);
    case "int64":
      return toInt64(value);
    case "boolean":
      return toBoolean(value);
    case "bytes":
      return toBytes(value);
    case "json":
      return toJson(value, target);
  }
}

/** The value (a string, or anywhere in a JSON value) holds a NUL character. */
export function hasNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\0");
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === "object" && !(value instanceof ArrayBuffer))
    return Object.entries(value).some(([key, v]) => key.includes("\0") || hasNul(v));
  return false;
}

/**
 * A source value (or a transform's result) as the field's value: 0/1 → boolean, integers →
 * bigint for int64 fields (exact), ISO text or ms → number/int64 (ISO text for a string field
 * of a date column), JSON text → its value, BLOB → ArrayBuffer; NULL → absent (an optional
 * field) or `null` (a field that takes null). The result passes the field's validator, or
 * this throws {@link CoerceError}.
 */
export function coerceValue(raw: unknown, target: CoerceTarget): unknown {
  const value = raw instanceof Date ? raw.getTime() : raw;
  if (value === undefined || value === null) {
    if (target.validator.isOptional) return undefined;
    if (target.codec === "json" && validate(target.validator, null, target.field).length === 0) return null;
    throw new CoerceError("NULL, but the field is required");
  }
  const result = convert(value, target);
  // A plain scalar field takes whatever its conversion made; literals, unions, ids, objects… are checked.
  const issue =
    PLAIN[target.validator.kind] === target.codec
      ? undefined
      : validate(target.validator, result, target.field)[0];
  if (issue) throw new CoerceError(`${show(value)}: ${issue.message}`);
  if (target.noNul && (target.codec === "text" || target.codec === "json") && hasNul(result))
    throw new CoerceError(`${show(value)} holds a NUL character, which Postgres refuses`);
  return result;
}
