import {
  type BatchStatement,
  GuardFailedError,
  mysqlDialect,
  type SqlExec,
  type SqlResult,
} from "@orrery/store";
import type { Mysql2ConnectionLike, Mysql2PoolConnectionLike, Mysql2PoolLike } from "../driver-like";
import { checkFoundRows } from "./check-found-rows";
import { mysqlQuery } from "./mysql-query";
import { createSerialLane } from "./serial-lane";

/** What {@link buildMysqlExec} accepts: a mysql2/promise `Pool` or one `Connection`. */
export type MysqlExecTarget = Mysql2PoolLike | Mysql2ConnectionLike;

function isPool(target: MysqlExecTarget): target is Mysql2PoolLike {
  return typeof (target as Partial<Mysql2PoolLike>).getConnection === "function";
}

/**
 * Turns a mysql2/promise pool or connection into the store's {@link SqlExec}.
 *
 * Checks once, before returning, that the connection reports FOUND_ROWS (matched, not changed,
 * rows as `affectedRows`) and refuses with an explanation otherwise: the OCC guard relies on it.
 * A batch is `beginTransaction`, the statements with their guards, `commit`, all on one
 * connection (checked out of the pool and released after); any failure rolls back. A single
 * connection is shared, so its reads and batches are serialised.
 */
export async function buildMysqlExec(target: MysqlExecTarget): Promise<SqlExec> {
  if (isPool(target)) {
    const connection = await target.getConnection();
    try {
      await checkFoundRows(connection);
    } finally {
      connection.release();
    }
    return mysqlPoolExec(target);
  }
  await checkFoundRows(target);
  return mysqlConnectionExec(target);
}

async function inTransaction(
  connection: Mysql2ConnectionLike,
  statements: readonly BatchStatement[],
  onBroken: () => void = () => undefined,
): Promise<SqlResult[]> {
  await connection.beginTransaction();
  try {
    const results: SqlResult[] = [];
    for (const [index, statement] of statements.entries()) {
      const result = await mysqlQuery(connection, statement);
      if (statement.expectAffected !== undefined && result.rowsAffected !== statement.expectAffected) {
        throw new GuardFailedError(index, result.rowsAffected);
      }
      results.push(result);
    }
    await connection.commit();
    return results;
  } catch (error) {
    await connection.rollback().catch(onBroken);
    throw error;
  }
}

function mysqlPoolExec(pool: Mysql2PoolLike): SqlExec {
  return {
    engine: "mysql",
    dialect: mysqlDialect,
    run: (statement) => mysqlQuery(pool, statement),
    async batch(statements) {
      const connection: Mysql2PoolConnectionLike = await pool.getConnection();
      let broken = false;
      try {
        return await inTransaction(connection, statements, () => {
          broken = true;
        });
      } finally {
        // A connection that could not roll back is in an unknown state: close it, do not reuse it.
        if (broken) connection.destroy();
        else connection.release();
      }
    },
  };
}

function mysqlConnectionExec(connection: Mysql2ConnectionLike): SqlExec {
  const lane = createSerialLane();
  return {
    engine: "mysql",
    dialect: mysqlDialect,
    run: (statement) => lane(() => mysqlQuery(connection, statement)),
    batch: (statements) => lane(() => inTransaction(connection, statements)),
  };
}
