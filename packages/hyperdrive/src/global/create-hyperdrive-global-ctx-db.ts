import { type ExternalEngine, type SchemaDefinition, schemaDdl, systemTablesDdl } from "@orrery/schema";
import type { SqlExec } from "@orrery/store";

/**
 * A Postgres or MySQL database as the home of a schema's `.global()` tables. The GlobalStore
 * Durable Object passes `exec` to the store as `globalExec`; every write then goes through the
 * store's OCC core and commit log, so live queries over these tables stay reactive.
 *
 * Writes made from outside Orrery (another service, `psql`) are still caught by the OCC guard:
 * a mutation that read a row an outside writer changed is re-run. But they do not trigger live
 * queries: nothing tells the store they happened, so subscriptions see them only when
 * something else re-runs them.
 */
export interface GlobalBackend<S extends SchemaDefinition = SchemaDefinition> {
  readonly engine: ExternalEngine;
  readonly exec: SqlExec;
  readonly schema: S;
  /**
   * Creates the schema's `.global()` tables and indexes when missing (`IF NOT EXISTS`, safe to
   * call on every start), and the store's commit markers table. Orrery owns these tables'
   * layout: one column per field.
   */
  ensureTables(): Promise<void>;
}

export interface HyperdriveGlobalCtxDbOptions<S extends SchemaDefinition> {
  readonly engine: ExternalEngine;
  readonly exec: SqlExec;
  readonly schema: S;
}

// Two sessions creating the same Postgres table at once can both pass IF NOT EXISTS; the
// loser fails with unique_violation (on pg_type) or duplicate_table. The table exists then.
const CONCURRENT_CREATE_CODES = new Set(["23505", "42P07", "42710"]);

function isConcurrentCreate(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONCURRENT_CREATE_CODES.has(code);
}

/** The general form behind {@link createPostgresGlobalCtxDb} and {@link createMysqlGlobalCtxDb}. */
export function createHyperdriveGlobalCtxDb<S extends SchemaDefinition>(
  options: HyperdriveGlobalCtxDbOptions<S>,
): GlobalBackend<S> {
  const { engine, exec, schema } = options;
  if (exec.engine !== engine) {
    throw new Error(`createHyperdriveGlobalCtxDb: engine is "${engine}" but the exec runs "${exec.engine}"`);
  }
  return {
    engine,
    exec,
    schema,
    async ensureTables() {
      const statements = [
        ...schemaDdl(schema, engine, { onlyGlobal: true }),
        ...systemTablesDdl(engine, "global"),
      ];
      for (const sql of statements) {
        try {
          await exec.run({ sql, params: [] });
        } catch (error) {
          if (engine !== "postgres" || !isConcurrentCreate(error)) throw error;
        }
      }
    },
  };
}
