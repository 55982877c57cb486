import type { ExternalEngine } from "@orrery/schema";
import type { OrreryProvidedContext } from "@orrery/test-harness";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { inject } from "vitest";

const key = (name: keyof OrreryProvidedContext) => name;

/** The URL of the test server the global setup started. */
export function serverUrl(engine: ExternalEngine): string {
  const url =
    engine === "postgres"
      ? (inject(key("orreryPgUrl")) ?? process.env.ORRERY_TEST_PG_URL)
      : (inject(key("orreryMysqlUrl")) ?? process.env.ORRERY_TEST_MYSQL_URL);
  if (!url) throw new Error(`no ${engine} URL: the vitest globalSetup did not start it`);
  return url;
}

let counter = 0;
const freshName = () => `seed_${process.pid}_${Date.now().toString(36)}_${counter++}`;

export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * A fresh, empty space on a test server: a Postgres schema (the URL's `search_path`) or a
 * MariaDB database. `url` is what `orrery seed --url` gets; `query` runs SQL in it.
 */
export interface Space {
  readonly engine: ExternalEngine;
  readonly name: string;
  readonly url: string;
  readonly query: Query;
  end(): Promise<void>;
}

export async function openSpace(engine: ExternalEngine, ddl: readonly string[]): Promise<Space> {
  const name = freshName();
  const space = engine === "postgres" ? await pgSpace(name) : await mysqlSpace(name);
  for (const statement of ddl) await space.query(statement);
  return space;
}

async function pgSpace(name: string): Promise<Space> {
  const base = serverUrl("postgres");
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE SCHEMA "${name}"`);
  const url = `${base}?search_path=${name}`;
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  return {
    engine: "postgres",
    name,
    url,
    query: async (text, params = []) =>
      [...(await sql.unsafe(text, params as never[]))] as Record<string, unknown>[],
    async end() {
      await sql.end();
      await admin.unsafe(`DROP SCHEMA "${name}" CASCADE`);
      await admin.end();
    },
  };
}

async function mysqlSpace(name: string): Promise<Space> {
  const base = new URL(serverUrl("mysql"));
  const options = {
    host: base.hostname,
    port: Number(base.port),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  };
  const admin = await mysql.createConnection(options);
  await admin.query(`CREATE DATABASE \`${name}\``);
  const conn = await mysql.createConnection({
    ...options,
    database: name,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    engine: "mysql",
    name,
    url: url.toString(),
    query: async (text, params = []) => {
      const [rows] = await conn.query(text, params);
      return rows as Record<string, unknown>[];
    },
    async end() {
      await conn.end();
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    },
  };
}

/**
 * A checksum of every row of `table` in the space, ordered by `_id`: Postgres `md5` over
 * `string_agg` of each row as text; MariaDB `CHECKSUM TABLE` (a full, not live, checksum).
 */
export async function tableChecksum(space: Space, table: string): Promise<string> {
  if (space.engine === "postgres") {
    const [row] = await space.query(
      `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t."_id"), '')) AS sum FROM "${table}" t`,
    );
    return `${row!.n}:${row!.sum}`;
  }
  const [row] = await space.query(`CHECKSUM TABLE \`${table}\` EXTENDED`);
  const [count] = await space.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return `${count!.n}:${row!.Checksum}`;
}

/** Every row of `table`, ordered by `_id`. */
export function allRows(space: Space, table: string): Promise<Record<string, unknown>[]> {
  const q = space.engine === "postgres" ? `"${table}"` : `\`${table}\``;
  return space.query(`SELECT * FROM ${q} ORDER BY ${space.engine === "postgres" ? '"_id"' : "`_id`"}`);
}
