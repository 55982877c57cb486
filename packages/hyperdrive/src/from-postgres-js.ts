import type { PostgresJsLike } from "./driver-like";
import type { SqlClient } from "./sql-client";

/**
 * Wraps a postgres.js client (`postgres(connectionString)`) as a {@link SqlClient}. Queries run
 * through `sql.unsafe(text, params)` with `$1, $2, …` placeholders.
 */
export function fromPostgresJs(sql: PostgresJsLike): SqlClient {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await sql.unsafe(text, [...params]);
      return [...result] as T[];
    },
  };
}
