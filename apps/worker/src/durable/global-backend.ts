import { createHyperdrive, fromMysql2, fromPostgresJs, type SqlClient } from "@orrery/hyperdrive";
import {
  createMysqlGlobalCtxDb,
  createPostgresGlobalCtxDb,
  type LazyBuild,
  type LazyExec,
  lazyExec,
} from "@orrery/hyperdrive/global";
import type { ExternalEngine } from "@orrery/schema";
import { createD1Exec, type SqlExec } from "@orrery/store";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { schema } from "../app/schema";
import { postgresSocket } from "./postgres-socket";

/** Where `.global()` tables live, and the action-only `ctx.sql` when that is a Hyperdrive database. */
export interface GlobalBackendChoice {
  /** The store's `globalExec`. */
  readonly exec: SqlExec;
  /** The runner's `sql` factory; absent on D1, which has no external database to query. */
  readonly sql?: () => SqlClient;
}

const BINDING = { postgres: "HYPERDRIVE_PG", mysql: "HYPERDRIVE_MYSQL" } as const;
const LABEL = { postgres: "Postgres", mysql: "MySQL" } as const;

/** A seconds-long connect timeout: a dead database should fail a call quickly, not hang it. */
const CONNECT_TIMEOUT_SECONDS = 5;

/**
 * Idle connections close after this long: a Durable Object holding an open socket cannot
 * hibernate. Reconnecting is cheap, since Hyperdrive keeps the pool to the database warm.
 */
const IDLE_TIMEOUT_SECONDS = 2;

/**
 * Connects to the Hyperdrive database of `engine`: one driver client (postgres.js or a mysql2
 * pool), the `.global()` exec on it with the app's tables ensured, and a `ctx.sql` client on
 * the same connections. The DO caches the result and calls this again after a connection error.
 */
export async function connectHyperdrive(env: Env, engine: ExternalEngine): Promise<LazyBuild<SqlClient>> {
  const bindingName = BINDING[engine];
  if (engine === "postgres") {
    const { connectionString } = createHyperdrive(env[bindingName], { bindingName });
    // No `dispose`: postgres.js's `sql.end()` inside workerd rejects unhandled ("Stream was
    // cancelled."); a dropped client's sockets are already dead, and it is garbage then.
    const options: postgres.Options<Record<string, never>> & { socket: typeof postgresSocket } = {
      max: 5,
      fetch_types: false,
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      idle_timeout: IDLE_TIMEOUT_SECONDS,
      onnotice: () => undefined,
      // postgres.js's own workerd socket raises an unhandled rejection when an idle connection
      // closes (see postgres-socket.ts); its `socket` option (untyped) takes this one instead.
      socket: postgresSocket,
    };
    const sql = postgres(connectionString, options);
    const backend = createPostgresGlobalCtxDb(sql, { schema });
    await backend.ensureTables();
    return { exec: backend.exec, value: fromPostgresJs(sql) };
  }
  // disableEval: workerd forbids code generation, which mysql2's row parsers use by default.
  // mysql2 keeps its default FOUND_ROWS flag, which the OCC guard needs (checked on build).
  // The binding's parts, not its URL: the URL's query (e.g. `ssl-mode`) is not a mysql2 option.
  const { host, port, user, password, database } = createHyperdrive(env[bindingName], { bindingName });
  const pool = mysql.createPool({
    host,
    port,
    user,
    password,
    database,
    disableEval: true,
    connectionLimit: 5,
    connectTimeout: CONNECT_TIMEOUT_SECONDS * 1000,
  });
  try {
    const backend = await createMysqlGlobalCtxDb(pool, { schema });
    await backend.ensureTables();
    return { exec: backend.exec, value: fromMysql2(pool), dispose: () => pool.end() };
  } catch (error) {
    void pool.end().catch(() => undefined);
    throw error;
  }
}

/**
 * The Hyperdrive database of `engine`, built lazily: nothing connects until the first
 * statement on a `.global()` table (or the first `ctx.sql` query), the build is cached on the
 * Durable Object instance, and a connection error drops it so the next use connects again.
 */
export function hyperdriveBackend(env: Env, engine: ExternalEngine): LazyExec<SqlClient> {
  return lazyExec({
    engine,
    label: `${LABEL[engine]} (Hyperdrive binding "${BINDING[engine]}")`,
    build: () => connectHyperdrive(env, engine),
    // postgres.js closes idle connections itself (idle_timeout); a mysql2 pool is ended when idle.
    ...(engine === "mysql" ? { idleTimeoutMs: IDLE_TIMEOUT_SECONDS * 1000 } : {}),
  });
}

/**
 * Chooses the home of `.global()` tables by the ORRERY_GLOBAL_BACKEND var: D1 by default;
 * Postgres or MySQL through Hyperdrive in the `postgres` and `mysql` wrangler environments.
 */
export function globalBackend(env: Env): GlobalBackendChoice {
  switch (env.ORRERY_GLOBAL_BACKEND) {
    case "d1":
      return { exec: createD1Exec(env.DB) };
    case "postgres":
    case "mysql": {
      const lazy = hyperdriveBackend(env, env.ORRERY_GLOBAL_BACKEND);
      // ctx.sql shares the lazily built client: a query waits for it, and a connection error
      // drops it for the `.global()` tables too.
      const sql: SqlClient = {
        query: <T>(text: string, params?: readonly unknown[]) =>
          lazy.use((client) => client.query<T>(text, params)),
      };
      return { exec: lazy, sql: () => sql };
    }
    default:
      env.ORRERY_GLOBAL_BACKEND satisfies never;
      throw new Error(
        `unknown ORRERY_GLOBAL_BACKEND "${String(env.ORRERY_GLOBAL_BACKEND)}" (use d1, postgres or mysql)`,
      );
  }
}
