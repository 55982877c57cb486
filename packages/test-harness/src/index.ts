export { onExit } from "./exit-cleanup.js";
export { type HeapUsage, heapAfterGc } from "./heap-usage.js";
export { type InspectorSession, openInspector } from "./inspector.js";
export { findMariaDbBinaries, type StartMariaDbOptions, startMariaDb } from "./mariadb.js";
export { findPostgresBinaries, type StartPostgresOptions, startPostgres } from "./postgres.js";
export {
  createGlobalSetup,
  type DatabaseSetup,
  type GlobalSetupProject,
  MYSQL_URL_ENV,
  MYSQL_URL_KEY,
  type OrreryProvidedContext,
  PG_URL_ENV,
  PG_URL_KEY,
  type SetupDatabasesOptions,
  setupDatabases,
} from "./setup.js";
export { getFreePort, MissingBinaryError, stopAllServersSync } from "./system.js";
export {
  type DatabaseServer,
  DEFAULT_DATABASE,
  DEFAULT_PASSWORD,
  DEFAULT_USER,
  type StartServerOptions,
} from "./types.js";
