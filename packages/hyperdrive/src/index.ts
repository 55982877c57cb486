export {
  type CreateHyperdriveOptions,
  createHyperdrive,
  type HyperdriveConnection,
  type HyperdriveLike,
} from "./create-hyperdrive";
export type {
  Mysql2Like,
  NodePgLike,
  NodePgResult,
  PostgresJsLike,
  PostgresJsResult,
} from "./driver-like";
export { fromMysql2 } from "./from-mysql2";
export { fromNodePg } from "./from-node-pg";
export { fromPostgresJs } from "./from-postgres-js";
export type { SqlClient } from "./sql-client";
