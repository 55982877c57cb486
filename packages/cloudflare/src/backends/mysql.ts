import { fromMysql2 } from "@orrery/hyperdrive";
import { createMysqlGlobalCtxDb } from "@orrery/hyperdrive/global";
import mysql2 from "mysql2/promise";
import type { GlobalBackendFactory } from "./global-backend";
import { CONNECT_TIMEOUT_SECONDS, type HyperdriveBackendOptions, hyperdriveFactory } from "./hyperdrive";
import { hyperdriveConnectionOf } from "./local-database";

export type { GlobalMigrationsJournal, HyperdriveBackendOptions } from "./hyperdrive";

/**
 * `.global()` tables in MySQL through the Hyperdrive binding `binding` (default
 * `HYPERDRIVE_MYSQL`), with mysql2 (install `mysql2`). Its own entry point, so a worker on D1
 * bundles no MySQL driver. With `migrations` (the journal of `migrations-global/mysql/`), each
 * connection checks the database is migrated instead of creating missing tables.
 */
export function mysql({
  binding = "HYPERDRIVE_MYSQL",
  migrations,
}: HyperdriveBackendOptions = {}): GlobalBackendFactory {
  return hyperdriveFactory(
    "mysql",
    binding,
    async (env, bindingName, schema) => {
      // The binding's parts, not its URL: the URL's query (e.g. `ssl-mode`) is not a mysql2 option.
      const { host, port, user, password, database } = hyperdriveConnectionOf(env, bindingName);
      // disableEval: workerd forbids code generation, which mysql2's row parsers use by default.
      // mysql2 keeps its default FOUND_ROWS flag, which the OCC guard needs (checked on build).
      const pool = mysql2.createPool({
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
        return {
          exec: backend.exec,
          value: fromMysql2(pool),
          dispose: () => pool.end(),
          ensureTables: () => backend.ensureTables(),
        };
      } catch (error) {
        void pool.end().catch(() => undefined);
        throw error;
      }
    },
    migrations,
  );
}
