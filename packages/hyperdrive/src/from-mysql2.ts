import type { Mysql2Like } from "./driver-like";
import type { SqlClient } from "./sql-client";

/**
 * Wraps a mysql2/promise connection or pool as a {@link SqlClient}: `.query(text, params)`, then
 * the rows of `[rows, fields]`. Placeholders are `?`. A statement that returns no rows (an
 * `UPDATE`) resolves to an empty array; use the driver directly when you need `affectedRows`.
 */
export function fromMysql2(connectionOrPool: Mysql2Like): SqlClient {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      const [rows] = await connectionOrPool.query(text, [...params]);
      return (Array.isArray(rows) ? rows : []) as T[];
    },
  };
}
