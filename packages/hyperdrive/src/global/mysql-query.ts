import type { SqlResult, SqlRow, SqlStatement } from "@orrery/store";
import type { Mysql2ConnectionLike, Mysql2FieldLike, Mysql2PoolLike } from "../driver-like";
import { toMysqlParam } from "./driver-params";

/**
 * JSON columns come back as text and the schema codec parses them: mysql2's own JSON parsing
 * turns long integer literals into strings when `supportBigNumbers` is on (on runtimes with
 * `JSON.parse` source access), which would change a stored float such as 1e20.
 */
function typeCast(field: Mysql2FieldLike, next: () => unknown): unknown {
  if (field.type === "JSON" || field.extendedFormat === "json") return field.string("utf8");
  return next();
}

/**
 * Runs one statement with the text protocol. BIGINT columns come back as exact decimal strings
 * whatever the pool was created with (`supportBigNumbers` + `bigNumberStrings` per query).
 */
export async function mysqlQuery(
  target: Mysql2ConnectionLike | Mysql2PoolLike,
  statement: SqlStatement,
): Promise<SqlResult> {
  const [result] = await target.query({
    sql: statement.sql,
    values: statement.params.map(toMysqlParam),
    supportBigNumbers: true,
    bigNumberStrings: true,
    typeCast,
  });
  if (Array.isArray(result)) return { rows: result as SqlRow[], rowsAffected: result.length };
  const header = result as { affectedRows?: number };
  return { rows: [], rowsAffected: header.affectedRows ?? 0 };
}
