import type { SqlClient } from "@orrery/hyperdrive";
import { type LazyBuild, lazyExec } from "@orrery/hyperdrive/global";
import type { ExternalEngine, SchemaDefinition } from "@orrery/schema";
import type { WorkerEnv } from "../options";
import type { GlobalBackendFactory } from "./global-backend";

/** A seconds-long connect timeout: a dead database should fail a call quickly, not hang it. */
export const CONNECT_TIMEOUT_SECONDS = 5;

/**
 * Idle connections close after this long: a Durable Object holding an open socket cannot
 * hibernate. Reconnecting is cheap, since Hyperdrive keeps the pool to the database warm.
 */
export const IDLE_TIMEOUT_SECONDS = 2;

const LABEL = { postgres: "Postgres", mysql: "MySQL" } as const;

/** Connects one driver to the database behind a Hyperdrive binding, with the app's tables ensured. */
export type HyperdriveConnect = (
  env: WorkerEnv,
  bindingName: string,
  schema: SchemaDefinition,
) => Promise<LazyBuild<SqlClient>>;

/**
 * A backend on the Hyperdrive database of `engine`, built lazily: nothing connects until the
 * first statement on a `.global()` table (or the first `ctx.sql` query), the build is cached on
 * the Durable Object instance, and a connection error drops it so the next use connects again.
 * `ctx.sql` shares the build: a connection error drops it for the `.global()` tables too.
 */
export function hyperdriveFactory(
  engine: ExternalEngine,
  bindingName: string,
  connect: HyperdriveConnect,
): GlobalBackendFactory {
  return (env, schema) => {
    const lazy = lazyExec({
      engine,
      label: `${LABEL[engine]} (Hyperdrive binding "${bindingName}")`,
      build: () => connect(env, bindingName, schema),
      // postgres.js closes idle connections itself (idle_timeout); a mysql2 pool is ended when idle.
      ...(engine === "mysql" ? { idleTimeoutMs: IDLE_TIMEOUT_SECONDS * 1000 } : {}),
    });
    const sql: SqlClient = {
      query: <T>(text: string, params?: readonly unknown[]) =>
        lazy.use((client) => client.query<T>(text, params)),
    };
    return { name: engine, exec: lazy, sql: () => sql };
  };
}
