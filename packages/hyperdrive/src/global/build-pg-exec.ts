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
import { asSingleStatement, countsOf, guardMissOf } from "./single-statement-batch";

/** What {@link buildPgExec} accepts: a postgres.js `Sql`, or a node-postgres `Pool` or `Client`. */
export type PgExecClient = PostgresJsSqlLike | NodePgPoolLike | NodePgLike;

/**
 * Turns a Postgres driver into the store's {@link SqlExec}. A batch is one transaction on one
 * connection: with postgres.js one statement when it can be (`single-statement-batch.ts`),
 * else `sql.begin`; with node-postgres a client checked out of the pool. A
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

/**
 * Writes run as named prepared statements, which postgres.js's `unsafe` leaves off by
 * default: unprepared, a statement with parameters is first sent to be described and only
 * then run, a round trip more each time. The store's writes come in a bounded set of shapes
 * per table, and each connection keeps the ones it has seen prepared. Reads stay unprepared,
 * as they were: Hyperdrive caches read results (its guidance for postgres.js ties that cache to
 * prepared statements), and a live query or a mutation's read must see the last commit. The
 * READMEs have Orrery's Hyperdrive configs made with the cache off; this is the second line.
 */
const WRITE = { prepare: true } as const;
const READ = { prepare: false } as const;

async function runPostgresJs(
  sql: PostgresJsLike,
  statement: SqlStatement,
  options: typeof WRITE | typeof READ,
): Promise<SqlResult> {
  const result = await sql.unsafe(statement.sql, statement.params.map(toPgParam), options);
  return { rows: [...result] as SqlRow[], rowsAffected: result.count ?? 0 };
}

function postgresJsExec(sql: PostgresJsSqlLike): SqlExec {
  return {
    engine: "postgres",
    dialect: postgresDialect,
    run: (statement) => runPostgresJs(sql, statement, READ),
    async batch(statements) {
      // A statement alone is atomic, and a guard that misses on it changed nothing.
      const [only] = statements;
      if (only && statements.length === 1) {
        const result = await runPostgresJs(sql, only, WRITE);
        checkGuard(only, 0, result);
        return [result];
      }
      const single = asSingleStatement(statements);
      if (single) {
        let row: Record<string, unknown> | undefined;
        try {
          [row] = await sql.unsafe(single.sql, single.params.map(toPgParam), WRITE);
        } catch (error) {
          throw guardMissOf(error) ?? error;
        }
        return countsOf(row, statements.length).map((rowsAffected) => ({ rows: [], rowsAffected }));
      }
      const results: SqlResult[] = [];
      await sql.begin(async (transaction) => {
        // One at a time: statements sent together get their answers in several packets, and a
        // proxy that delays small packets (Nagle) can hold the last one for tens of ms.
        for (const [index, statement] of statements.entries()) {
          const result = await runPostgresJs(transaction, statement, WRITE);
          checkGuard(statement, index, result);
          results.push(result);
        }
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
