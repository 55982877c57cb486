import type { SqlValue } from "@orrery/schema";

/** A Node `Buffer` over the same bytes: node-pg and mysql2 send Buffers as binary values. */
function toBuffer(bytes: Uint8Array): Uint8Array {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The store's encoded values, as the Postgres drivers want them. Int64s already arrive as
 * decimal strings (the schema codec makes them); a stray bigint becomes one too. Booleans stay
 * booleans (Postgres columns are BOOLEAN).
 */
export function toPgParam(value: SqlValue): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return toBuffer(value);
  return value;
}

/** The store's encoded values, as mysql2 wants them: Buffers for bytes, 1/0 for booleans. */
export function toMysqlParam(value: SqlValue): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array) return toBuffer(value);
  return value;
}
