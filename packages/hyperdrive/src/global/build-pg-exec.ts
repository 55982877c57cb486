import {
  type BatchStatement,
  GuardFailedError,
  postgresDialect,
  type SqlExec,
  type SqlResult,
  type SqlRow,
  type SqlStatement,
} from "@orrery/store";
import type {
  NodePgLike,
  NodePgPoolClientLike,
  NodePgPoolLike,
  PostgresJsLike,
  PostgresJsSqlLike,
} from "../driver-like";
import { toPgParam } from "./driver-params";
import { createSerialLane } from "./serial-lane";

/** What {@link buildPgExec} accepts: a postgres.js `Sql`, or a node-postgres `Pool` or `Client`. */
export type PgExecClient = PostgresJsSqlLike | NodePgPoolLike | NodePgLike;

/**
 * Turns a Postgres driver into the store's {@link SqlExec}. A batch is one transaction on one
 * connection (postgres.js `sql.begin`, its statements pipelined, or a client checked out of a
 * node-postgres pool, one statement at a time); a
 * guarded statement whose affected count differs from `expectAffected` throws
 * {@link GuardFailedError} and the transaction rolls back.
 *
 * BIGINT columns come back as decimal strings from both drivers by default, which the schema
 * codec decodes exactly; keep it that way (do not install an int8 parser that makes numbers).
 * A plain node-postgres `Client` is one connection, so its reads and batches are serialised.
 */
export function buildPgExec(client: PgExecClient): SqlExec {
  if (isPostgresJs(client)) return postgresJsExec(client);
  if (isNodePgPool(client)) return nodePgPoolExec(client);
  return nodePgClientExec(client);
}

function isPostgresJs(client: PgExecClient): client is PostgresJsSqlLike {
  return typeof (client as Partial<PostgresJsSqlLike>).unsafe === "function";
}

function isNodePgPool(client: PgExecClient): client is NodePgPoolLike {
  return typeof (client as Partial<NodePgPoolLike>).connect === "function" && "totalCount" in client;
}

function checkGuard(statement: BatchStatement, index: number, result: SqlResult): void {
  if (statement.expectAffected !== undefined && result.rowsAffected !== statement.expectAffected) {
    throw new GuardFailedError(index, result.rowsAffected);
  }
}

async function runPostgresJs(sql: PostgresJsLike, statement: SqlStatement): Promise<SqlResult> {
  const result = await sql.unsafe(statement.sql, statement.params.map(toPgParam));
  return { rows: [...result] as SqlRow[], rowsAffected: result.count ?? 0 };
}

function postgresJsExec(sql: PostgresJsSqlLike): SqlExec {
  return {
    engine: "postgres",
    dialect: postgresDialect,
    run: (statement) => runPostgresJs(sql, statement),
    async batch(statements) {
      let results: SqlResult[] = [];
      await sql.begin(async (transaction) => {
        // Sent together (postgres.js pipelines queries issued at once on one connection): one
        // round trip for the statements instead of one each. A statement that fails aborts the
        // transaction, so the ones after it fail too; a missed guard is found once all are
        // back. Either way the callback throws and the whole transaction rolls back.
        results = await Promise.all(statements.map((statement) => runPostgresJs(transaction, statement)));
        for (const [index, statement] of statements.entries()) checkGuard(statement, index, results[index]!);
      });
      return results;
    },
  };
}

async function runNodePg(client: NodePgLike, statement: SqlStatement): Promise<SqlResult> {
  const result = await client.query(statement.sql, statement.params.map(toPgParam));
  return { rows: result.rows as SqlRow[], rowsAffected: result.rowCount ?? 0 };
}

/**
 * BEGIN, the statements with their guards, COMMIT; ROLLBACK on any failure. When even the
 * ROLLBACK fails the connection is in an unknown state, and `onBroken` hears of it.
 */
async function inTransaction(
  client: NodePgLike,
  statements: readonly BatchStatement[],
  onBroken: (error: Error) => void = () => undefined,
): Promise<SqlResult[]> {
  await client.query("BEGIN");
  try {
    const results: SqlResult[] = [];
    for (const [index, statement] of statements.entries()) {
      const result = await runNodePg(client, statement);
      checkGuard(statement, index, result);
      results.push(result);
    }
    await client.query("COMMIT");
    return results;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      onBroken(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    }
    throw error;
  }
}

function nodePgPoolExec(pool: NodePgPoolLike): SqlExec {
  return {
    engine: "postgres",
    dialect: postgresDialect,
    run: (statement) => runNodePg(pool, statement),
    async batch(statements) {
      const client: NodePgPoolClientLike = await pool.connect();
      let broken: Error | undefined;
      // A connection that dies while checked out emits "error"; unheard, it would crash the
      // process. The statement in flight fails on its own; the client is then destroyed.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      try {
        return await inTransaction(client, statements, (error) => {
          broken = error;
        });
      } finally {
        // A connection that could not roll back is destroyed instead of going back to the pool.
        client.removeListener("error", onError);
        client.release(broken);
      }
    },
  };
}

function nodePgClientExec(client: NodePgLike): SqlExec {
  const lane = createSerialLane();
  return {
    engine: "postgres",
    dialect: postgresDialect,
    run: (statement) => lane(() => runNodePg(client, statement)),
    batch: (statements) => lane(() => inTransaction(client, statements)),
  };
}
