import type { SqlClient } from "@orrery/hyperdrive";
import { type LazyBuild, lazyExec } from "@orrery/hyperdrive/global";
import type { ExternalEngine, SchemaDefinition } from "@orrery/schema";
import { OrreryError } from "@orrery/store";
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

/**
 * The journal `orrery migrate` writes beside the migrations of `.global()` tables
 * (`migrations-global/<engine>/journal.json`): every migration, in order, with the sha256 of its
 * up file. Import it and pass it as `migrations` to `postgres()` or `mysql()`.
 */
export interface GlobalMigrationsJournal {
  readonly engine: string;
  readonly migrations: readonly { readonly name: string; readonly checksum: string }[];
}

/** Where `orrery migrate` records the migrations it applied, in the external database. */
export const MIGRATIONS_TABLE = "_orrery_migrations";

/** One driver connected to the database behind a Hyperdrive binding; its tables not yet ensured. */
export interface HyperdriveConnection extends LazyBuild<SqlClient> {
  /** Creates the app's missing `.global()` tables and the store's system tables. */
  readonly ensureTables: () => Promise<void>;
}

/** Connects one driver to the database behind a Hyperdrive binding. */
export type HyperdriveConnect = (
  env: WorkerEnv,
  bindingName: string,
  schema: SchemaDefinition,
) => Promise<HyperdriveConnection>;

/** The options `postgres()` and `mysql()` share. */
export interface HyperdriveBackendOptions {
  /** The name of the Hyperdrive binding. */
  readonly binding?: string;
  /**
   * The journal of the `.global()` tables' migrations (`import journal from
   * "../migrations-global/postgres/journal.json"`). With it, each connection build checks that
   * every migration in it is recorded in `_orrery_migrations` with the same checksum, creates
   * no table, and fails every call with `UNAVAILABLE`, naming the first pending migration,
   * until `orrery migrate latest` has run. Without it (the local-dev default), missing tables
   * are created on first use.
   */
  readonly migrations?: GlobalMigrationsJournal;
}

// "No such table": a database no migration was ever applied to.
const NO_TABLE_CODES = new Set(["42P01", "ER_NO_SUCH_TABLE"]);

function isMissingTable(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return (typeof code === "string" && NO_TABLE_CODES.has(code)) || errno === 1146;
}

/** The migrations recorded in `_orrery_migrations`; none when the table does not exist. */
async function appliedMigrations(client: SqlClient): Promise<Map<string, string>> {
  let rows: { name: unknown; checksum: unknown }[];
  try {
    rows = await client.query<{ name: unknown; checksum: unknown }>(
      `SELECT name, checksum FROM ${MIGRATIONS_TABLE}`,
    );
  } catch (error) {
    if (isMissingTable(error)) return new Map();
    throw error;
  }
  return new Map(rows.map((row) => [String(row.name), String(row.checksum)]));
}

/**
 * Why the database is not at `journal`'s version (`undefined` when it is): the first journal
 * entry not recorded in `applied`, or recorded with another checksum. Migrations recorded but
 * not in the journal (a database ahead of this build) are allowed.
 */
export function pendingMigrationMessage(
  label: string,
  engine: ExternalEngine,
  journal: GlobalMigrationsJournal,
  applied: ReadonlyMap<string, string>,
): string | undefined {
  const run = `run \`orrery migrate latest\` with DATABASE_URL set to this database`;
  if (journal.engine !== engine) {
    return `${label} runs ${engine}, but the migrations journal passed as \`migrations\` is for ${journal.engine}`;
  }
  let at: string | undefined;
  for (const [index, migration] of journal.migrations.entries()) {
    const checksum = applied.get(migration.name);
    if (checksum === undefined) {
      const state = at === undefined ? "has no migration applied" : `is at ${at}`;
      const more = journal.migrations.length - index - 1;
      const also = more > 0 ? ` (and ${more} more after it)` : "";
      return `${label} ${state}; ${migration.name} is pending${also}: ${run}`;
    }
    if (checksum !== migration.checksum) {
      return `${label} has ${migration.name} applied with checksum ${checksum}, but this build's journal has ${migration.checksum}: the migration file changed after it was applied`;
    }
    at = migration.name;
  }
  return undefined;
}

/** Throws `UNAVAILABLE` unless every migration in `journal` is applied to the database. */
export async function checkMigrations(
  client: SqlClient,
  label: string,
  engine: ExternalEngine,
  journal: GlobalMigrationsJournal,
): Promise<void> {
  const message = pendingMigrationMessage(label, engine, journal, await appliedMigrations(client));
  if (message !== undefined) throw new OrreryError("UNAVAILABLE", message);
}

/**
 * A backend on the Hyperdrive database of `engine`, built lazily: nothing connects until the
 * first statement on a `.global()` table (or the first `ctx.sql` query), the build is cached on
 * the Durable Object instance, and a connection error drops it so the next use connects again.
 * `ctx.sql` shares the build: a connection error drops it for the `.global()` tables too.
 *
 * Each build either checks the database against `migrations` (see
 * {@link HyperdriveBackendOptions}) or, without a journal, ensures the tables. A failed check
 * fails the build, which is not kept: the next call builds (and checks) again.
 */
export function hyperdriveFactory(
  engine: ExternalEngine,
  bindingName: string,
  connect: HyperdriveConnect,
  migrations?: GlobalMigrationsJournal,
): GlobalBackendFactory {
  return (env, schema) => {
    const label = `${LABEL[engine]} (Hyperdrive binding "${bindingName}")`;
    const build = async (): Promise<LazyBuild<SqlClient>> => {
      const connection = await connect(env, bindingName, schema);
      try {
        if (migrations) await checkMigrations(connection.value, label, engine, migrations);
        else await connection.ensureTables();
      } catch (error) {
        void Promise.resolve()
          .then(() => connection.dispose?.())
          .catch(() => undefined);
        throw error;
      }
      const { exec, value, dispose } = connection;
      return dispose ? { exec, value, dispose } : { exec, value };
    };
    const lazy = lazyExec({
      engine,
      label,
      build,
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
