import type { SchemaDefinition } from "@orrery/schema";
import { buildPgExec, type PgExecClient } from "./build-pg-exec";
import { createHyperdriveGlobalCtxDb, type GlobalBackend } from "./create-hyperdrive-global-ctx-db";

/**
 * A Postgres `.global()` backend from a postgres.js `Sql` or a node-postgres `Pool`/`Client`,
 * e.g. `postgres(env.HYPERDRIVE.connectionString)`. Build it lazily inside the Durable Object
 * and cache it on the instance. Outside writes are caught by the OCC guard but do not trigger
 * live queries (see {@link GlobalBackend}).
 */
export function createPostgresGlobalCtxDb<S extends SchemaDefinition>(
  client: PgExecClient,
  options: { readonly schema: S },
): GlobalBackend<S> {
  return createHyperdriveGlobalCtxDb({
    engine: "postgres",
    exec: buildPgExec(client),
    schema: options.schema,
  });
}
