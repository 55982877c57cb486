import type { SqlValue } from "@orrery/schema";

/** The parameter types Durable Object SQLite and D1 accept. */
export type SqliteParam = string | number | null | ArrayBuffer;

export function toSqliteParam(value: SqlValue): SqliteParam {
  if (typeof value === "boolean") return value ? 1 : 0;
  // INTEGER affinity stores a decimal string as an exact 64-bit integer.
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return value.slice().buffer;
  return value;
}
