import { type ColumnSpec, type Engine, tableColumns } from "./columns";
import { decodeJson, encodeJson } from "./json";
import { NAMESPACE_COLUMN } from "./system-fields";
import type { TableDefinition } from "./table";

export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

export class CodecError extends Error {
  constructor(column: string, message: string) {
    super(`column "${column}": ${message}`);
    this.name = "CodecError";
  }
}

/**
 * Encodes one value for a column. `undefined` (an absent field) is SQL NULL; `null` is SQL
 * NULL too except in JSON columns, where it is a stored JSON null. Int64s are decimal strings
 * on every engine so no driver rounds them through a float.
 */
export function encodeValue(column: ColumnSpec, value: unknown, engine: Engine): SqlValue {
  if (value === undefined || (value === null && column.codec !== "json")) {
    if (!column.nullable) throw new CodecError(column.name, `is NOT NULL but got ${String(value)}`);
    return null;
  }
  switch (column.codec) {
    case "text":
    case "id":
      if (typeof value !== "string")
        throw new CodecError(column.name, `expected a string, got ${typeof value}`);
      return value;
    case "float":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new CodecError(column.name, `expected a finite number, got ${String(value)}`);
      }
      return value;
    case "int64":
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
      throw new CodecError(column.name, `expected a bigint, got ${typeof value}`);
    case "boolean":
      if (typeof value !== "boolean")
        throw new CodecError(column.name, `expected a boolean, got ${typeof value}`);
      return engine === "postgres" ? value : value ? 1 : 0;
    case "json":
      return encodeJson(value, column.name);
    case "bytes":
      if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
      if (ArrayBuffer.isView(value))
        return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
      throw new CodecError(column.name, `expected an ArrayBuffer, got ${typeof value}`);
  }
}

/** Decodes one raw driver value; SQL NULL becomes `undefined` (an absent field). */
export function decodeValue(column: ColumnSpec, raw: unknown, _engine: Engine): unknown {
  if (raw === null || raw === undefined) return undefined;
  switch (column.codec) {
    case "text":
    case "id":
      if (typeof raw === "string") return raw;
      if (raw instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(raw));
      if (ArrayBuffer.isView(raw)) {
        return new TextDecoder().decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      }
      throw new CodecError(column.name, `cannot decode ${typeof raw} as a string`);
    case "float":
      if (typeof raw === "number") return raw;
      if (typeof raw === "bigint" || typeof raw === "string") return Number(raw);
      throw new CodecError(column.name, `cannot decode ${typeof raw} as a number`);
    case "int64":
      if (typeof raw === "bigint") return raw;
      if ((typeof raw === "number" && Number.isInteger(raw)) || typeof raw === "string") return BigInt(raw);
      throw new CodecError(column.name, `cannot decode ${typeof raw} as an int64`);
    case "boolean":
      return decodeBoolean(column.name, raw);
    case "json":
      return decodeJson(raw);
    case "bytes":
      return decodeBytes(column.name, raw);
  }
}

function decodeBoolean(name: string, raw: unknown): boolean {
  if (typeof raw === "boolean") return raw;
  if (typeof raw === "number" || typeof raw === "bigint") return raw !== 0 && raw !== 0n;
  if (typeof raw === "string") {
    if (raw === "1" || raw === "t" || raw === "true") return true;
    if (raw === "0" || raw === "f" || raw === "false") return false;
  }
  throw new CodecError(name, `cannot decode ${JSON.stringify(raw) ?? typeof raw} as a boolean`);
}

// Always a fresh ArrayBuffer: driver Buffers are often views into a shared pool.
function decodeBytes(name: string, raw: unknown): ArrayBuffer {
  if (raw instanceof ArrayBuffer) return raw.slice(0);
  if (ArrayBuffer.isView(raw)) {
    const copy = new Uint8Array(raw.byteLength);
    copy.set(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    return copy.buffer;
  }
  // D1 hands BLOBs back as arrays of byte values.
  if (Array.isArray(raw) && raw.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Uint8Array.from(raw as number[]).buffer;
  }
  throw new CodecError(name, `cannot decode ${typeof raw} as bytes`);
}

/**
 * Encodes a document into a row. Field columns are always present (absent optional → NULL),
 * so the row also serves a full replace; system columns (`_id`, `_creationTime`, `_version`,
 * `_namespace`) only when the document has them.
 */
export function encodeDocument(
  table: TableDefinition,
  doc: Record<string, unknown>,
  engine: Engine,
): Record<string, SqlValue> {
  const columns = tableColumns(table, engine);
  const known = new Set(columns.map((c) => c.name));
  for (const key of Object.keys(doc)) {
    if (!known.has(key) && doc[key] !== undefined) throw new CodecError(key, "is not a field of this table");
  }
  const row: Record<string, SqlValue> = {};
  for (const column of columns) {
    const isSystem = column.name.startsWith("_");
    const value = Object.hasOwn(doc, column.name) ? doc[column.name] : undefined;
    if (isSystem && value === undefined) continue;
    row[column.name] = encodeValue(column, value, engine);
  }
  return row;
}

/**
 * Decodes a row into a document: system fields plus fields; absent optional fields are
 * omitted (not `undefined`); `_namespace` and any extra columns in the row are ignored.
 */
export function decodeDocument(
  table: TableDefinition,
  row: Record<string, unknown>,
  engine: Engine,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const column of tableColumns(table, engine)) {
    if (column.name === NAMESPACE_COLUMN) continue;
    const value = decodeValue(column, row[column.name], engine);
    if (value === undefined) {
      if (!column.nullable) throw new CodecError(column.name, "is NULL or missing in the row");
      continue;
    }
    doc[column.name] = value;
  }
  return doc;
}
