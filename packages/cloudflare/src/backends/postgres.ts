import { fromPostgresJs } from "@orrery/hyperdrive";
import { createPostgresGlobalCtxDb } from "@orrery/hyperdrive/global";
import postgresJs from "postgres";
import type { GlobalBackendFactory } from "./global-backend";
import {
  CONNECT_TIMEOUT_SECONDS,
  type HyperdriveBackendOptions,
  hyperdriveFactory,
  IDLE_TIMEOUT_SECONDS,
} from "./hyperdrive";
import { hyperdriveConnectionOf } from "./local-database";
import { postgresSocket } from "./postgres-socket";

export type { GlobalMigrationsJournal, HyperdriveBackendOptions } from "./hyperdrive";

/**
 * `.global()` tables in Postgres through the Hyperdrive binding `binding` (default
 * `HYPERDRIVE_PG`), with postgres.js (install `postgres`). Its own entry point, so a worker
 * on D1 bundles no Postgres driver. With `migrations` (the journal of
 * `migrations-global/postgres/`), each connection checks the database is migrated instead of
 * creating missing tables.
 */
export function postgres({
  binding = "HYPERDRIVE_PG",
  migrations,
}: HyperdriveBackendOptions = {}): GlobalBackendFactory {
  return hyperdriveFactory(
    "postgres",
    binding,
    async (env, bindingName, schema) => {
      const { connectionString } = hyperdriveConnectionOf(env, bindingName);
      // No `dispose`: postgres.js's `sql.end()` inside workerd rejects unhandled ("Stream was
      // cancelled."); a dropped client's sockets are already dead, and it is garbage then.
      const options: postgresJs.Options<Record<string, never>> & { socket: typeof postgresSocket } = {
        max: 5,
        fetch_types: false,
        connect_timeout: CONNECT_TIMEOUT_SECONDS,
        idle_timeout: IDLE_TIMEOUT_SECONDS,
        onnotice: () => undefined,
        // postgres.js's own workerd socket raises an unhandled rejection when an idle connection
        // closes (see postgres-socket.ts); its `socket` option (untyped) takes this one instead.
        socket: postgresSocket,
      };
      const sql = postgresJs(connectionString, options);
      const backend = createPostgresGlobalCtxDb(sql, { schema });
      return { exec: backend.exec, value: fromPostgresJs(sql), ensureTables: () => backend.ensureTables() };
    },
    migrations,
  );
}
