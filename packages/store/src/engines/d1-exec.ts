import { sqliteDialect } from "../dialects/sqlite-dialect";
import type { BatchStatement, SqlExec, SqlRow } from "../sql/sql-exec";
import { GuardFailedError } from "../sql/sql-exec";
import { type SqliteParam, toSqliteParam } from "./sqlite-params";

/** The part of a `D1Database` binding the exec uses. */
export interface D1Like {
  prepare(query: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<{ results?: unknown[]; meta?: { changes?: number } }[]>;
}
export interface D1StatementLike {
  bind(...values: SqliteParam[]): D1StatementLike;
  all(): Promise<{ results?: unknown[]; meta?: { changes?: number } }>;
}

const GUARD_MARK = "orrery-guard-";

/**
 * A D1 batch is atomic but cannot branch on a row count, so each guard is followed by a
 * statement that raises a runtime error (a malformed JSON path naming the guard) when
 * `changes()` differs; the error aborts the batch and D1 rolls it back.
 */
function guardCheck(index: number, expected: number): string {
  return `SELECT CASE WHEN changes() = ${expected} THEN 1 ELSE json_extract('{}', '${GUARD_MARK}${index}') END AS ok`;
}

export function createD1Exec(db: D1Like): SqlExec {
  const prepare = (sql: string, params: readonly SqliteParam[]) => db.prepare(sql).bind(...params);

  return {
    engine: "sqlite",
    dialect: sqliteDialect,
    async run(statement) {
      const result = await prepare(statement.sql, statement.params.map(toSqliteParam)).all();
      return { rows: (result.results ?? []) as SqlRow[], rowsAffected: result.meta?.changes ?? 0 };
    },
    async batch(statements: readonly BatchStatement[]) {
      const prepared: D1StatementLike[] = [];
      const resultIndex: number[] = [];
      statements.forEach((statement, index) => {
        resultIndex.push(prepared.length);
        prepared.push(prepare(statement.sql, statement.params.map(toSqliteParam)));
        if (statement.expectAffected !== undefined) {
          prepared.push(prepare(guardCheck(index, statement.expectAffected), []));
        }
      });
      let results: Awaited<ReturnType<D1Like["batch"]>>;
      try {
        results = await db.batch(prepared);
      } catch (error) {
        const match = new RegExp(`${GUARD_MARK}(\\d+)`).exec(String(error));
        if (match) throw new GuardFailedError(Number(match[1]), -1);
        throw error;
      }
      return resultIndex.map((at) => {
        const result = results[at];
        return { rows: (result?.results ?? []) as SqlRow[], rowsAffected: result?.meta?.changes ?? 0 };
      });
    },
  };
}
