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

/** An exec over a Durable Object's own SQLite: synchronous, so a batch is one `transactionSync`. */
export function createDurableSqliteExec(storage: DurableSqliteStorage): SqlExec {
  const execute = (statement: SqlStatement): SqlResult => {
    const rows = storage.sql
      .exec(statement.sql, ...statement.params.map(toSqliteParam))
      .toArray() as SqlRow[];
    // `changes()` is SQLite's own count of rows the last statement changed; it does not count index rows.
    const changed = storage.sql.exec("SELECT changes() AS n").toArray()[0] as { n: number };
    return { rows, rowsAffected: changed.n };
  };

  return {
    engine: "sqlite",
    dialect: sqliteDialect,
    async run(statement) {
      return execute(statement);
    },
    async batch(statements: readonly BatchStatement[]) {
      return storage.transactionSync(() =>
        statements.map((statement, index) => {
          const result = execute(statement);
          if (statement.expectAffected !== undefined && result.rowsAffected !== statement.expectAffected) {
            throw new GuardFailedError(index, result.rowsAffected);
          }
          return result;
        }),
      );
    },
  };
}
