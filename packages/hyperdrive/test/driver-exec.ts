import type { SqlExec } from "@orrery/store";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";
import { buildMysqlExec, buildPgExec } from "../src/global";
import { mysqlUrl, pgUrl } from "./databases";
import type { Driver } from "./spaces";

export interface DriverExec {
  readonly exec: SqlExec;
  end(): Promise<void>;
}

/**
 * An exec for `driver` on the space `name`, reached at `port` (default: the server's own) with
 * short connect timeouts, so a dead server is an error within a second or two, not a hang.
 */
export async function driverExec(driver: Driver, name: string, port?: number): Promise<DriverExec> {
  const url = new URL(driver === "mysql2" ? mysqlUrl() : pgUrl());
  const options = {
    host: url.hostname,
    port: port ?? Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  };
  if (driver === "postgres.js") {
    const sql = postgres({
      ...options,
      max: 2,
      connect_timeout: 1,
      onnotice: () => undefined,
      connection: { search_path: name },
    });
    return { exec: buildPgExec(sql), end: () => sql.end({ timeout: 1 }) };
  }
  if (driver === "node-pg") {
    const pool = new pg.Pool({
      ...options,
      max: 2,
      connectionTimeoutMillis: 1_000,
      options: `-c search_path=${name}`,
    });
    // An idle client whose socket dies emits "error" on the pool; the next checkout replaces it.
    pool.on("error", () => undefined);
    return { exec: buildPgExec(pool), end: () => pool.end() };
  }
  const pool = mysql.createPool({ ...options, database: name, connectionLimit: 2, connectTimeout: 1_000 });
  try {
    return { exec: await buildMysqlExec(pool), end: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
