import { type Codec, NAMESPACE_COLUMN, type SqlValue, SYSTEM_TABLES } from "@orrery/schema";
import type { BatchStatement, Dialect } from "@orrery/store";

const MAP = SYSTEM_TABLES.etlIds;

/** A column a chunk writes, and the Postgres type its array is cast to. */
export interface WrittenColumn {
  readonly name: string;
  readonly codec: Codec;
}

const SYSTEM: readonly WrittenColumn[] = [
  { name: "_id", codec: "id" },
  { name: "_creationTime", codec: "float" },
  { name: "_version", codec: "int64" },
  { name: NAMESPACE_COLUMN, codec: "text" },
];

const PG_ARRAY_TYPES: Record<Codec, string> = {
  text: "text[]",
  id: "text[]",
  float: "float8[]",
  int64: "int8[]",
  boolean: "bool[]",
  json: "jsonb[]",
  bytes: "bytea[]",
};

/** One element of a Postgres array literal (quoted unless a number, boolean or NULL). */
function arrayElement(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array)
    return `"\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}"`;
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A column's values as one Postgres array literal: `{"a",NULL,"b"}`. */
export function pgArrayLiteral(values: readonly SqlValue[]): string {
  return `{${values.map(arrayElement).join(",")}}`;
}

/**
 * The rows' values as the statement takes them: Postgres, one array parameter per column
 * (`SELECT * FROM unnest($1::text[], …)`: a handful of parameters however many rows, which both
 * the server and the driver handle far faster than thousands), MySQL, a VALUES list.
 */
export function insertRows(
  dialect: Dialect,
  table: string,
  columns: readonly WrittenColumn[],
  rows: readonly (readonly SqlValue[])[],
): BatchStatement {
  const q = dialect.quote;
  const into = `INSERT INTO ${q(table)} (${columns.map((c) => q(c.name)).join(", ")})`;
  if (dialect.engine === "postgres") {
    const arrays = columns.map((c, i) => `${dialect.placeholder(i + 1)}::${PG_ARRAY_TYPES[c.codec]}`);
    return {
      sql: `${into} SELECT * FROM unnest(${arrays.join(", ")})`,
      params: columns.map((_, i) => pgArrayLiteral(rows.map((row) => row[i]!))),
    };
  }
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  return { sql: `${into} VALUES ${rows.map(() => tuple).join(", ")}`, params: rows.flat() };
}

/**
 * One multi-row upsert of a chunk, keyed by the primary key `(_namespace, _id)`: a new row
 * comes in with `_version` 1; a row already there gets the incoming fields and `_version` + 1,
 * but only when a field differs, so a re-run leaves loaded rows exactly as they were.
 * `_creationTime` is never updated. Only `fields` are written: a field etl does not fill keeps
 * what it has. `rows` hold the system columns first, then the fields, in this order.
 */
export function upsertRows(
  dialect: Dialect,
  table: string,
  fields: readonly WrittenColumn[],
  rows: readonly (readonly SqlValue[])[],
): BatchStatement {
  const q = dialect.quote;
  const insert = insertRows(dialect, table, [...SYSTEM, ...fields], rows);
  const names = fields.map((f) => f.name);
  if (dialect.engine === "postgres") {
    const key = `(${q(NAMESPACE_COLUMN)}, ${q("_id")})`;
    if (names.length === 0) return { ...insert, sql: `${insert.sql} ON CONFLICT ${key} DO NOTHING` };
    const current = names.map((f) => `${q(table)}.${q(f)}`).join(", ");
    const incoming = names.map((f) => `EXCLUDED.${q(f)}`).join(", ");
    const sets = [
      ...names.map((f) => `${q(f)} = EXCLUDED.${q(f)}`),
      `${q("_version")} = ${q(table)}.${q("_version")} + 1`,
    ];
    return {
      ...insert,
      sql: `${insert.sql} ON CONFLICT ${key} DO UPDATE SET ${sets.join(", ")} WHERE ROW(${current}) IS DISTINCT FROM ROW(${incoming})`,
    };
  }
  if (names.length === 0)
    return { ...insert, sql: `${insert.sql} ON DUPLICATE KEY UPDATE ${q("_id")} = ${q("_id")}` };
  // MySQL assigns left to right, each seeing the ones before: `_version` first, against the old values.
  const same = names.map((f) => `${q(f)} <=> VALUES(${q(f)})`).join(" AND ");
  const sets = [
    `${q("_version")} = IF(${same}, ${q("_version")}, ${q("_version")} + 1)`,
    ...names.map((f) => `${q(f)} = VALUES(${q(f)})`),
  ];
  return { ...insert, sql: `${insert.sql} ON DUPLICATE KEY UPDATE ${sets.join(", ")}` };
}

/**
 * The id map's new entries, in the chunk's transaction. A plain INSERT: an entry already there
 * means another run minted ids for the same rows at the same time, and this chunk must fail.
 */
export function insertIdMap(
  dialect: Dialect,
  namespace: string,
  sourceTable: string,
  table: string,
  entries: readonly (readonly [sourceId: string, docId: string])[],
): BatchStatement {
  const c = MAP.columns;
  const columns = [c.namespace, c.sourceTable, c.sourceId, c.tableName, c.docId].map((name) => ({
    name,
    codec: "text" as const,
  }));
  return insertRows(
    dialect,
    MAP.name,
    columns,
    entries.map(([sourceId, docId]) => [namespace, sourceTable, sourceId, table, docId]),
  );
}
