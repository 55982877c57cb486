import type { ExternalEngine } from "@orrery/schema";
import type { OrreryProvidedContext } from "@orrery/test-harness";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { inject } from "vitest";

const key = (name: keyof OrreryProvidedContext) => name;

function serverUrl(engine: ExternalEngine): string {
  const url =
    engine === "postgres"
      ? (inject(key("orreryPgUrl")) ?? process.env.ORRERY_TEST_PG_URL)
      : (inject(key("orreryMysqlUrl")) ?? process.env.ORRERY_TEST_MYSQL_URL);
  if (!url) throw new Error(`no ${engine} URL: the vitest globalSetup did not start it`);
  return url;
}

let counter = 0;
const freshName = () => `migrate_${process.pid}_${Date.now().toString(36)}_${counter++}`;

/** Rows of a query, as plain objects. */
export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * A fresh, empty space on the test server: a Postgres schema (the URL's `search_path`) or a
 * MariaDB database. `url` is what `orrery migrate --url` gets; `query` runs SQL in it.
 */
export interface Space {
  readonly engine: ExternalEngine;
  readonly name: string;
  readonly url: string;
  readonly query: Query;
  end(): Promise<void>;
}

const spaces: Space[] = [];

export async function openSpace(engine: ExternalEngine): Promise<Space> {
  const name = freshName();
  const space = engine === "postgres" ? await pgSpace(name) : await mysqlSpace(name);
  spaces.push(space);
  return space;
}

export async function closeSpaces(): Promise<void> {
  for (const space of spaces.splice(0)) await space.end();
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
  const conn = await mysql.createConnection({ ...options, database: name });
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

/** The space's tables, columns and indexes from information_schema/pg_indexes, sorted: to compare schemas. */
export async function describeSchema(space: Space): Promise<unknown> {
  if (space.engine === "postgres") {
    const columns = await space.query(
      `SELECT table_name, column_name, data_type, character_maximum_length, collation_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [space.name],
    );
    const indexes = await space.query(
      "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname",
      [space.name],
    );
    return {
      columns,
      indexes: indexes.map((i) => ({
        ...i,
        indexdef: String(i.indexdef).replaceAll(space.name, "<schema>"),
      })),
    };
  }
  const columns = await space.query(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, COLLATION_NAME, IS_NULLABLE, COLUMN_DEFAULT
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [space.name],
  );
  const indexes = await space.query(
    `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [space.name],
  );
  return { columns, indexes };
}

/** The tables of the space (without the migrations record). */
export async function tableNames(space: Space): Promise<string[]> {
  const rows =
    space.engine === "postgres"
      ? await space.query("SELECT table_name AS n FROM information_schema.tables WHERE table_schema = $1", [
          space.name,
        ])
      : await space.query("SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [
          space.name,
        ]);
  return rows.map((r) => String(r.n)).sort();
}
