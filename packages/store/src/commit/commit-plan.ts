import { encodeDocument, encodeValue, NAMESPACE_COLUMN, type SqlValue } from "@orrery/schema";
import type { Doc } from "../db/document";
import { operationOf, type PendingWrite } from "../db/pending-writes";
import type { SchemaInfo, TableInfo } from "../db/table-info";
import { placeholders } from "../sql/dialect";
import type { BatchStatement, SqlExec } from "../sql/sql-exec";

/** The statements one engine runs for a commit, each tied to the write it applies. */
export interface EngineBatch {
  readonly exec: SqlExec;
  readonly statements: BatchStatement[];
  /** `sources[i]` is the write statement i applies; null for system statements. */
  readonly sources: (PendingWrite | null)[];
}

/**
 * Turns a mutation's writes into guarded statements, grouped by the engine that holds each
 * table. Updates and deletes match `_id` and the `_version` the mutation read, and must hit
 * exactly one row; zero means someone else wrote the document first.
 */
export function planWrites(
  schema: SchemaInfo,
  writes: readonly PendingWrite[],
  execFor: (table: TableInfo) => SqlExec,
  namespace: string,
): Map<SqlExec, EngineBatch> {
  const batches = new Map<SqlExec, EngineBatch>();
  for (const write of writes) {
    const table = schema.table(write.table);
    const exec = execFor(table);
    let batch = batches.get(exec);
    if (!batch) {
      batch = { exec, statements: [], sources: [] };
      batches.set(exec, batch);
    }
    batch.statements.push(statementFor(table, exec, write, namespace));
    batch.sources.push(write);
  }
  return batches;
}

function statementFor(
  table: TableInfo,
  exec: SqlExec,
  write: PendingWrite,
  namespace: string,
): BatchStatement {
  const { dialect, engine } = exec;
  const q = dialect.quote;
  const operation = operationOf(write);
  if (operation === "insert") {
    const row = encodeDocument(table.definition, write.current as Doc, engine);
    if (table.isGlobal) row[NAMESPACE_COLUMN] = namespace;
    const columns = Object.keys(row);
    return {
      sql: `INSERT INTO ${q(table.name)} (${columns.map(q).join(", ")}) VALUES (${placeholders(dialect, columns.length)})`,
      params: Object.values(row),
    };
  }
  const original = write.original as Doc;
  const params: SqlValue[] = [];
  const next = () => dialect.placeholder(params.length);
  const assignments: string[] = [];
  if (operation === "update") {
    const row = encodeDocument(table.definition, write.current as Doc, engine);
    for (const [column, value] of Object.entries(row)) {
      if (column === "_id" || column === "_creationTime") continue;
      params.push(value);
      assignments.push(`${q(column)} = ${next()}`);
    }
  }
  params.push(encodeValue(table.column.get("_id")!, original._id, engine));
  let guard = `${q("_id")} = ${next()}`;
  params.push(original._version);
  guard += ` AND ${q("_version")} = ${next()}`;
  if (table.isGlobal) {
    params.push(namespace);
    guard += ` AND ${q(NAMESPACE_COLUMN)} = ${next()}`;
  }
  const sql =
    operation === "update"
      ? `UPDATE ${q(table.name)} SET ${assignments.join(", ")} WHERE ${guard}`
      : `DELETE FROM ${q(table.name)} WHERE ${guard}`;
  return { sql, params, expectAffected: 1 };
}
