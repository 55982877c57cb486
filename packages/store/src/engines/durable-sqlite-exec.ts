import { sqliteDialect } from "../dialects/sqlite-dialect";
import type { BatchStatement, SqlExec, SqlResult, SqlRow, SqlStatement } from "../sql/sql-exec";
import { GuardFailedError } from "../sql/sql-exec";
import { toSqliteParam } from "./sqlite-params";

/** The part of `DurableObjectStorage` the exec uses; a structural type keeps the store free of workers-types. */
export interface DurableSqliteStorage {
  readonly sql: {
    exec(query: string, ...bindings: unknown[]): { toArray(): unknown[] };
  };
  transactionSync<T>(closure: () => T): T;
}

// A read changes nothing: SQLite's changes() would report the last write's count, not its own.
const READ = /^\s*SELECT\b/i;
const RETURNING = /\bRETURNING\b/i;

/**
 * An exec over a Durable Object's own SQLite: synchronous, so a batch is one `transactionSync`.
 * Counting affected rows is a second `sql.exec` (`SELECT changes()`), and each call into the
 * runtime costs about as much as a small statement, so it is asked only where the count is
 * used: a write run alone; a guarded statement of a batch counts its rows with `RETURNING`.
 */
export function createDurableSqliteExec(storage: DurableSqliteStorage): SqlExec {
  const execute = (statement: SqlStatement, count: boolean): SqlResult => {
    const rows = storage.sql
      .exec(statement.sql, ...statement.params.map(toSqliteParam))
      .toArray() as SqlRow[];
    if (!count) return { rows, rowsAffected: READ.test(statement.sql) ? 0 : Number.NaN };
    // `changes()` is SQLite's own count of rows the last statement changed; it does not count index rows.
    const changed = storage.sql.exec("SELECT changes() AS n").toArray()[0] as { n: number };
    return { rows, rowsAffected: changed.n };
  };

  // A guard's count in the same call: a write with `RETURNING 1` yields a row per row it changed.
  const executeGuard = (statement: SqlStatement): SqlResult => {
    const sql = `${statement.sql.replace(/[\s;]+$/, "")} RETURNING 1`;
    const returned = storage.sql.exec(sql, ...statement.params.map(toSqliteParam)).toArray();
    return { rows: [], rowsAffected: returned.length };
  };

  return {
    engine: "sqlite",
    dialect: sqliteDialect,
    async run(statement) {
      return execute(statement, !READ.test(statement.sql));
    },
    async batch(statements: readonly BatchStatement[]) {
      return storage.transactionSync(() =>
        statements.map((statement, index) => {
          if (statement.expectAffected === undefined) return execute(statement, false);
          const result = RETURNING.test(statement.sql) ? execute(statement, true) : executeGuard(statement);
          if (result.rowsAffected !== statement.expectAffected) {
            throw new GuardFailedError(index, result.rowsAffected);
          }
          return result;
        }),
      );
    },
  };
}
