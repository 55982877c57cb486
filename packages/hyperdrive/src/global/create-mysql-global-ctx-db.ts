import type { SchemaDefinition } from "@orrery/schema";
import { buildMysqlExec, type MysqlExecTarget } from "./build-mysql-exec";
import { createHyperdriveGlobalCtxDb, type GlobalBackend } from "./create-hyperdrive-global-ctx-db";

/**
 * A MySQL `.global()` backend from a mysql2/promise pool or connection. Async: it first checks
 * that the connection reports FOUND_ROWS, which the OCC guard needs, and rejects with an
 * explanation when it does not. Outside writes are caught by the OCC guard but do not trigger
 * live queries (see {@link GlobalBackend}).
 */
export async function createMysqlGlobalCtxDb<S extends SchemaDefinition>(
  connection: MysqlExecTarget,
  options: { readonly schema: S },
): Promise<GlobalBackend<S>> {
  const exec = await buildMysqlExec(connection);
  return createHyperdriveGlobalCtxDb({ engine: "mysql", exec, schema: options.schema });
}
