import { NAMESPACE_COLUMN } from "@orrery/schema";
import type { SourceValue } from "./define-etl";
import { ID_MAP_TABLE } from "./id-map";
import type { TablePlan } from "./plan-table";
import { quoteSqlite, type SqliteDatabase } from "./sqlite";

/** A source row with its old id (the key column's value, or the rowid), and its ids from the id map. */
export interface SourceRecord {
  readonly key: SourceValue;
  /** The row's values, in the order of `columns`. */
  readonly values: readonly SourceValue[];
  /** Column name → index into `values`; the same object for every row of a query. */
  readonly columns: ReadonlyMap<string, number>;
  /** The row's `_id` in the id map (null: none yet). */
  readonly docId: string | null;
  /** The `_id` was minted by this run and is not in the target yet. */
  readonly pending: boolean;
  /**
   * Per field of the plan (same index), the id map's `_id` of the row its reference column
   * names (null: none); undefined for a field that is not a reference read this way (one with
   * a transform is looked up after the transform).
   */
  readonly refs: readonly (string | null | undefined)[];
}

/** The row as an object, column → value (what a transform gets). */
export function rowObject(record: SourceRecord): Record<string, SourceValue> {
  const row: Record<string, SourceValue> = {};
  for (const [name, index] of record.columns) row[name] = record.values[index]!;
  return row;
}

const PREFIX = "__orrery_etl_";
const KEY = `${PREFIX}key`;
const DOC_ID = `${PREFIX}doc_id`;
const PENDING = `${PREFIX}pending`;
const REF = `${PREFIX}ref_`;

/** The key column's SQL, or the rowid's. */
export function keyExpression(plan: TablePlan, alias?: string): string {
  const prefix = alias ? `${alias}.` : "";
  return plan.keyColumn === undefined ? `${prefix}rowid` : `${prefix}${quoteSqlite(plan.keyColumn)}`;
}

/** A value as the id map spells a key ({@link keyText} in SQL): integers, integral reals, text. */
const keyTextSql = (value: string) =>
  `(CASE WHEN typeof(${value}) = 'real' AND ${value} = CAST(${value} AS INTEGER) THEN CAST(CAST(${value} AS INTEGER) AS TEXT) ELSE CAST(${value} AS TEXT) END)`;

/** Source order (timestamp, key), `_id` order, or whatever order SQLite reads the table in. */
export type RowOrder = "source" | "docId" | "any";

/** Fields whose reference is rewritten straight from the column (no transform in between). */
function joinedReferences(plan: TablePlan): { index: number; column: string; table: string }[] {
  return plan.fields.flatMap((field, index) =>
    field.references !== undefined && field.column !== undefined && !field.transform
      ? [{ index, column: field.column, table: field.references }]
      : [],
  );
}

/**
 * The query behind {@link sourceChunks}: the table's rows with their own entry of the id map
 * and their parents' (for each reference column), joined in SQLite, so a row's ids cost no
 * lookup of their own.
 */
function rowsQuery(plan: TablePlan, order: RowOrder): { sql: string; params: string[] } {
  const key = keyExpression(plan, "t");
  const refs = joinedReferences(plan);
  const select = [
    `${key} AS ${KEY}`,
    `m.doc_id AS ${DOC_ID}`,
    `m.pending AS ${PENDING}`,
    ...refs.map((ref) => `p${ref.index}.doc_id AS ${REF}${ref.index}`),
    "t.*",
  ];
  const joins = [
    `LEFT JOIN ${ID_MAP_TABLE} AS m ON m.source_table = ? AND m.source_id = ${keyTextSql(key)}`,
    ...refs.map(
      (ref) =>
        `LEFT JOIN ${ID_MAP_TABLE} AS p${ref.index} ON p${ref.index}.source_table = ? AND p${ref.index}.source_id = ${keyTextSql(`t.${quoteSqlite(ref.column)}`)}`,
    ),
  ];
  const orderBy =
    order === "any"
      ? ""
      : order === "docId"
        ? ` ORDER BY m.doc_id, ${key}`
        : ` ORDER BY ${plan.timestamp ? `t.${quoteSqlite(plan.timestamp.column)}, ` : ""}${key}`;
  // One D1 table Orrery made holds every namespace's rows: the run's alone are its source.
  const namespace = plan.orreryTable?.namespace;
  const where = namespace === undefined ? "" : ` WHERE t.${quoteSqlite(NAMESPACE_COLUMN)} = ?`;
  return {
    sql: `SELECT ${select.join(", ")} FROM ${quoteSqlite(plan.source.name)} AS t ${joins.join(" ")}${where}${orderBy}`,
    params: [
      plan.source.name,
      ...refs.map((ref) => ref.table),
      ...(namespace === undefined ? [] : [namespace]),
    ],
  };
}

/**
 * A table's rows, `size` at a time, from one prepared statement stepped a row at a time (no
 * table is held in JS). In source order: by the timestamp column, then the key, when the table
 * has one (so ULIDs minted in this order keep their time parts in order), else by the key. Or
 * in the order of their `_id` (rows without one first), to set beside the target's rows. Or,
 * when the order does not matter (a checksum), in the table's own order, with no sort.
 */
export function* sourceChunks(
  db: SqliteDatabase,
  plan: TablePlan,
  size: number,
  order: RowOrder = "source",
): Generator<SourceRecord[]> {
  const query = rowsQuery(plan, order);
  const { names, rows } = db.iterateValues(query.sql, query.params);
  const at = (name: string) => names.indexOf(name);
  const keyAt = at(KEY);
  const docIdAt = at(DOC_ID);
  const pendingAt = at(PENDING);
  const refAt = plan.fields.map((_, index) => at(`${REF}${index}`));
  const columns = new Map<string, number>();
  names.forEach((name, index) => {
    if (!name.startsWith(PREFIX)) columns.set(name, index);
  });
  let chunk: SourceRecord[] = [];
  for (const values of rows) {
    chunk.push({
      key: values[keyAt] ?? null,
      values,
      columns,
      docId: (values[docIdAt] as string | null) ?? null,
      pending: values[pendingAt] === 1,
      refs: refAt.map((i) => (i < 0 ? undefined : ((values[i] as string | null) ?? null))),
    });
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** A key as the id map holds it: integers in decimal, text as it is. */
export function keyText(key: SourceValue): string | undefined {
  if (typeof key === "string") return key;
  if (typeof key === "number" || typeof key === "bigint") return String(key);
  return undefined;
}
