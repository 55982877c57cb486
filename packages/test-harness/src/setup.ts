// vitest globalSetup helpers: start the servers once per test run, expose their URLs through
// environment variables and vitest's provide/inject, and stop them afterwards.

import type { ProvidedContext } from "vitest";
import type { TestProject } from "vitest/node";
import { type StartMariaDbOptions, startMariaDb } from "./mariadb.js";
import { type StartPostgresOptions, startPostgres } from "./postgres.js";
import type { DatabaseServer } from "./types.js";

/** Environment variable holding the Postgres URL (`postgres://orrery:orrery-test@127.0.0.1:PORT/orrery_test`). */
export const PG_URL_ENV = "ORRERY_TEST_PG_URL";
/** Environment variable holding the MariaDB URL (`mysql://orrery:orrery-test@127.0.0.1:PORT/orrery_test`). */
export const MYSQL_URL_ENV = "ORRERY_TEST_MYSQL_URL";

/** Keys under which `createGlobalSetup` provides the URLs to tests (`inject("orreryPgUrl")`). */
export const PG_URL_KEY = "orreryPgUrl";
export const MYSQL_URL_KEY = "orreryMysqlUrl";

declare module "vitest" {
  export interface ProvidedContext {
    /** Postgres URL, when the globalSetup started (or reused) one. */
    orreryPgUrl: string | undefined;
    /** MariaDB URL, when the globalSetup started (or reused) one. */
    orreryMysqlUrl: string | undefined;
  }
}

/** What `createGlobalSetup` provides to tests. */
export type OrreryProvidedContext = Pick<ProvidedContext, typeof PG_URL_KEY | typeof MYSQL_URL_KEY>;

export interface SetupDatabasesOptions {
  /** Start a Postgres server (true or its options). Default false. */
  postgres?: boolean | StartPostgresOptions;
  /** Start a MariaDB server (true or its options). Default false. */
  mysql?: boolean | StartMariaDbOptions;
  /**
   * When `ORRERY_TEST_PG_URL` / `ORRERY_TEST_MYSQL_URL` is already set, use that database
   * instead of starting a server. Default true.
   */
  reuseFromEnv?: boolean;
  /** Where to report startup times: a function, true (stderr, the default) or false. */
  log?: boolean | ((message: string) => void);
}

export interface DatabaseSetup {
  /** The Postgres server started by this call (undefined when not requested or reused from env). */
  postgres: DatabaseServer | undefined;
  /** The MariaDB server started by this call (undefined when not requested or reused from env). */
  mysql: DatabaseServer | undefined;
  /** The Postgres URL in use (started or reused), also in `process.env.ORRERY_TEST_PG_URL`. */
  pgUrl: string | undefined;
  /** The MariaDB URL in use (started or reused), also in `process.env.ORRERY_TEST_MYSQL_URL`. */
  mysqlUrl: string | undefined;
  /** Stops the servers this call started and restores the environment variables. Idempotent. */
  teardown(): Promise<void>;
}

function describe(server: DatabaseServer): string {
  const phases = Object.entries(server.timings)
    .map(([phase, ms]) => `${phase} ${ms} ms`)
    .join(", ");
  return `${server.engine} ready in ${server.startupMs} ms (${phases}) at ${server.url}`;
}

function optionsOf<T extends object>(value: boolean | T | undefined): T | undefined {
  if (value === undefined || value === false) return undefined;
  return value === true ? ({} as T) : value;
}

/**
 * Starts the requested servers in parallel and publishes their URLs in `process.env`. Meant for
 * a vitest `globalSetup` (return `teardown`); also usable from any script. If one server fails to
 * start, the other is stopped before the error is thrown.
 */
export async function setupDatabases(options: SetupDatabasesOptions = {}): Promise<DatabaseSetup> {
  const reuse = options.reuseFromEnv ?? true;
  const log =
    typeof options.log === "function"
      ? options.log
      : options.log === false
        ? () => {}
        : (message: string) => console.error(`[test-harness] ${message}`);

  const pgOptions = optionsOf(options.postgres);
  const myOptions = optionsOf(options.mysql);
  const existingPg = reuse ? process.env[PG_URL_ENV] || undefined : undefined;
  const existingMy = reuse ? process.env[MYSQL_URL_ENV] || undefined : undefined;

  const [pgResult, myResult] = await Promise.allSettled([
    pgOptions !== undefined && existingPg === undefined
      ? startPostgres(pgOptions)
      : Promise.resolve(undefined),
    myOptions !== undefined && existingMy === undefined
      ? startMariaDb(myOptions)
      : Promise.resolve(undefined),
  ]);
  if (pgResult.status === "rejected" || myResult.status === "rejected") {
    await Promise.allSettled([
      pgResult.status === "fulfilled" ? pgResult.value?.stop() : undefined,
      myResult.status === "fulfilled" ? myResult.value?.stop() : undefined,
    ]);
    const reasons = [pgResult, myResult]
      .filter((r): r is PromiseRejectedResult => r.status === "rejected")
      .map((r) => r.reason);
    if (reasons.length === 1) throw reasons[0];
    throw new AggregateError(reasons, "Both database servers failed to start");
  }
  const pg = pgResult.value;
  const my = myResult.value;

  const previous = { pg: process.env[PG_URL_ENV], my: process.env[MYSQL_URL_ENV] };
  const pgUrl = pg?.url ?? (pgOptions !== undefined ? existingPg : undefined);
  const mysqlUrl = my?.url ?? (myOptions !== undefined ? existingMy : undefined);
  if (pg) {
    process.env[PG_URL_ENV] = pg.url;
    log(describe(pg));
  } else if (pgUrl) log(`postgres: reusing ${PG_URL_ENV}=${pgUrl}`);
  if (my) {
    process.env[MYSQL_URL_ENV] = my.url;
    log(describe(my));
  } else if (mysqlUrl) log(`mariadb: reusing ${MYSQL_URL_ENV}=${mysqlUrl}`);

  let tornDown: Promise<void> | undefined;
  const teardown = () => {
    tornDown ??= (async () => {
      await Promise.all([pg?.stop(), my?.stop()]);
      if (pg) restoreEnv(PG_URL_ENV, previous.pg);
      if (my) restoreEnv(MYSQL_URL_ENV, previous.my);
    })();
    return tornDown;
  };
  return { postgres: pg, mysql: my, pgUrl, mysqlUrl, teardown };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** The part of vitest's `TestProject` a globalSetup needs. */
export type GlobalSetupProject = Pick<TestProject, "provide">;

/**
 * Builds a vitest `globalSetup` function. In `vitest.config.ts` point `test.globalSetup` at a
 * file containing `export default createGlobalSetup({ postgres: true, mysql: true })`. Tests read
 * `process.env.ORRERY_TEST_PG_URL` / `ORRERY_TEST_MYSQL_URL` or `inject("orreryPgUrl")` /
 * `inject("orreryMysqlUrl")`.
 */
export function createGlobalSetup(
  options: SetupDatabasesOptions,
): (project: GlobalSetupProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const setup = await setupDatabases(options);
    project.provide(PG_URL_KEY, setup.pgUrl);
    project.provide(MYSQL_URL_KEY, setup.mysqlUrl);
    return setup.teardown;
  };
}
