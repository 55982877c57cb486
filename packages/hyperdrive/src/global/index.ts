export { mysqlDialect, postgresDialect } from "@orrery/store";
export type {
  Mysql2ConnectionLike,
  Mysql2FieldLike,
  Mysql2PoolConnectionLike,
  Mysql2PoolLike,
  Mysql2QueryOptions,
  NodePgLike,
  NodePgPoolClientLike,
  NodePgPoolLike,
  PostgresJsLike,
  PostgresJsResult,
  PostgresJsSqlLike,
} from "../driver-like";
export { buildMysqlExec, type MysqlExecTarget } from "./build-mysql-exec";
export { buildPgExec, type PgExecClient } from "./build-pg-exec";
export { FOUND_ROWS_MESSAGE } from "./check-found-rows";
export {
  createHyperdriveGlobalCtxDb,
  type GlobalBackend,
  type HyperdriveGlobalCtxDbOptions,
} from "./create-hyperdrive-global-ctx-db";
export { createMysqlGlobalCtxDb } from "./create-mysql-global-ctx-db";
export { createPostgresGlobalCtxDb } from "./create-postgres-global-ctx-db";
export {
  isConnectionError,
  type LazyBuild,
  type LazyExec,
  type LazyExecOptions,
  lazyExec,
} from "./lazy-exec";
