import { compareKeyValues, encodeValue, NAMESPACE_COLUMN, type SqlValue } from "@orrery/schema";
import type { IndexKey, KeyRange } from "../reactivity/key-range";
import type { Dialect } from "../sql/dialect";
import type { SqlStatement } from "../sql/sql-exec";
import type { IndexInfo, TableInfo } from "./table-info";

export type Order = "asc" | "desc";
type Comparison = ">" | ">=" | "<" | "<=";

/** Accumulates parameters so placeholders are numbered right on every dialect. */
class Params {
  readonly values: SqlValue[] = [];
  constructor(private readonly dialect: Dialect) {}
  add(value: SqlValue): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length);
  }
}

/**
 * The column list of a read. SQLite drivers hand INTEGERs back as JS numbers, which loses
 * int64 precision past 2^53, so those columns are read as text there.
 */
export function selectList(dialect: Dialect, table: TableInfo): string {
  return table.columns
    .map((column) => {
      const name = dialect.quote(column.name);
      return dialect.engine === "sqlite" && column.codec === "int64"
        ? `CAST(${name} AS TEXT) AS ${name}`
        : name;
    })
    .join(", ");
}

export interface ScanRequest {
  readonly table: TableInfo;
  readonly index: IndexInfo;
  readonly range: KeyRange;
  readonly order: Order;
  /** Continue after this full key (exclusive), in scan order. */
  readonly after: IndexKey | null;
  readonly limit: number;
  readonly namespace: string;
}

export function buildScan(dialect: Dialect, request: ScanRequest): SqlStatement {
  const { table, index, range, order } = request;
  const params = new Params(dialect);
  const where: string[] = [];
  if (table.isGlobal) where.push(`${dialect.quote(NAMESPACE_COLUMN)} = ${params.add(request.namespace)}`);

  const prefix = equalPrefix(range);
  for (const [i, value] of prefix.entries()) where.push(equals(dialect, params, index, i, value));
  const at = prefix.length;
  if (range.lower && range.lower.key.length > at) {
    where.push(
      compareKey(dialect, params, index, at, range.lower.key.slice(at), range.lower.inclusive ? ">=" : ">"),
    );
  }
  if (range.upper && range.upper.key.length > at) {
    where.push(
      compareKey(dialect, params, index, at, range.upper.key.slice(at), range.upper.inclusive ? "<=" : "<"),
    );
  }
  if (request.after)
    where.push(compareKey(dialect, params, index, 0, request.after, order === "asc" ? ">" : "<"));

  const orderBy = index.columns.map((c) => dialect.orderTerm(dialect.quote(c.name), order)).join(", ");
  const sql = `SELECT ${selectList(dialect, table)} FROM ${dialect.quote(table.name)}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${orderBy} LIMIT ${Math.max(0, Math.floor(request.limit))}`;
  return { sql, params: params.values };
}

/** The leading values both ends pin with inclusive bounds: emitted as `=` so indexes seek. */
function equalPrefix(range: KeyRange): IndexKey {
  const { lower, upper } = range;
  if (!lower || !upper || !lower.inclusive || !upper.inclusive) return [];
  const prefix: unknown[] = [];
  for (let i = 0; i < Math.min(lower.key.length, upper.key.length); i++) {
    if (compareKeyValues(lower.key[i], upper.key[i]) !== 0) break;
    prefix.push(lower.key[i]);
  }
  return prefix;
}

function equals(
  dialect: Dialect,
  params: Params,
  index: IndexInfo,
  position: number,
  value: unknown,
): string {
  const column = index.columns[position]!;
  const name = dialect.quote(column.name);
  if (value === null || value === undefined) return `${name} IS NULL`;
  return `${name} = ${params.add(encodeValue(column, value, dialect.engine))}`;
}

/**
 * `(columns from position) <op> values`, lexicographically, where NULL sorts before every
 * value (as the ORDER BY does). Row values are used when no column involved is nullable;
 * otherwise the comparison is spelled out so NULLs compare instead of poisoning the result.
 */
function compareKey(
  dialect: Dialect,
  params: Params,
  index: IndexInfo,
  position: number,
  values: IndexKey,
  op: Comparison,
): string {
  const columns = index.columns.slice(position, position + values.length);
  const anyNull = values.some((value) => value === null || value === undefined);
  if (columns.length === 1 || (dialect.rowValues && !anyNull && columns.every((c) => !c.nullable))) {
    if (columns.length === 1 && (anyNull || columns[0]!.nullable)) {
      return compareOne(dialect, params, index, position, values[0], op);
    }
    const left = columns.map((c) => dialect.quote(c.name)).join(", ");
    const right = columns.map((c, i) => params.add(encodeValue(c, values[i], dialect.engine))).join(", ");
    return columns.length === 1 ? `${left} ${op} ${right}` : `(${left}) ${op} (${right})`;
  }
  const strict: ">" | "<" = op === ">" || op === ">=" ? ">" : "<";
  const terms: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const equalsBefore = values
      .slice(0, i)
      .map((value, j) => equals(dialect, params, index, position + j, value));
    const last = compareOne(dialect, params, index, position + i, values[i], strict);
    terms.push([...equalsBefore, last].join(" AND "));
  }
  if (op === ">=" || op === "<=") {
    terms.push(values.map((value, j) => equals(dialect, params, index, position + j, value)).join(" AND "));
  }
  return `(${terms.map((t) => `(${t})`).join(" OR ")})`;
}

function compareOne(
  dialect: Dialect,
  params: Params,
  index: IndexInfo,
  position: number,
  value: unknown,
  op: Comparison,
): string {
  const column = index.columns[position]!;
  const name = dialect.quote(column.name);
  if (value === null || value === undefined) {
    // NULL is the smallest value.
    if (op === ">") return `${name} IS NOT NULL`;
    if (op === ">=") return "1 = 1";
    if (op === "<") return "1 = 0";
    return `${name} IS NULL`;
  }
  const bound = `${name} ${op} ${params.add(encodeValue(column, value, dialect.engine))}`;
  return column.nullable && (op === "<" || op === "<=") ? `(${name} IS NULL OR ${bound})` : bound;
}
