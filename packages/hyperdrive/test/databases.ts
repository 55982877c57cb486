import type { OrreryProvidedContext } from "@orrery/test-harness";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";
import { inject } from "vitest";

const key = (name: keyof OrreryProvidedContext) => name;

export function pgUrl(): string {
  const url = inject(key("orreryPgUrl")) ?? process.env.ORRERY_TEST_PG_URL;
  if (!url) throw new Error("no Postgres URL: the vitest globalSetup did not start Postgres");
  return url;
}

export function mysqlUrl(): string {
  const url = inject(key("orreryMysqlUrl")) ?? process.env.ORRERY_TEST_MYSQL_URL;
  if (!url) throw new Error("no MySQL URL: the vitest globalSetup did not start MariaDB");
  return url;
}

let counter = 0;
/** A fresh lower-case identifier for a schema or database. */
export function freshName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

/** A postgres.js client whose unqualified names resolve in `schema`. */
export function postgresJs(
  schema: string | undefined,
  options: { max?: number; debug?: (connection: number, query: string) => void } = {},
): postgres.Sql {
  return postgres(pgUrl(), {
    max: options.max ?? 4,
    ...(options.debug ? { debug: options.debug } : {}),
    connect_timeout: 5,
    onnotice: () => undefined,
    ...(schema ? { connection: { search_path: schema } } : {}),
  });
}

/** A node-postgres pool whose unqualified names resolve in `schema`. */
export function nodePgPool(schema: string | undefined, options: { max?: number } = {}): pg.Pool {
  return new pg.Pool({
    connectionString: pgUrl(),
    max: options.max ?? 4,
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
}

/** Connection options for the test MariaDB, optionally on another database. */
export function mysqlOptions(database?: string): mysql.PoolOptions {
  const url = new URL(mysqlUrl());
  return {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database ?? url.pathname.slice(1),
    connectTimeout: 5_000,
  };
}

export function mysqlPool(database?: string, options: mysql.PoolOptions = {}): mysql.Pool {
  return mysql.createPool({ ...mysqlOptions(database), connectionLimit: 4, ...options });
}
