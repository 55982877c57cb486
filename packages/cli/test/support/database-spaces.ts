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
const freshName = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;

/** Rows of a query, as plain objects. */
export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * A fresh, empty space on the test server: a Postgres schema (the URL's `search_path`) or a
 * MariaDB database. `url` is what `orrery migrate --url` / `orrery seed --url` get; `query`
 * runs SQL in it.
 */
export interface Space {
  readonly engine: ExternalEngine;
  readonly name: string;
  readonly url: string;
  readonly query: Query;
  end(): Promise<void>;
}

export interface SpaceOptions {
  /** Starts the space's name, so a leftover one says which suite made it. */
  readonly prefix: string;
  /** Run in the new space before it is handed out. */
  readonly ddl?: readonly string[];
  /** MariaDB: BIGINTs come back as strings, exactly (seed checksums compare them). */
  readonly bigNumberStrings?: boolean;
}

const spaces: Space[] = [];

export async function openSpace(engine: ExternalEngine, options: SpaceOptions): Promise<Space> {
  const name = freshName(options.prefix);
  const space = engine === "postgres" ? await pgSpace(name) : await mysqlSpace(name, options);
  spaces.push(space);
  for (const statement of options.ddl ?? []) await space.query(statement);
  return space;
}

/** Ends every space opened and not yet ended. */
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

async function mysqlSpace(name: string, options: SpaceOptions): Promise<Space> {
  const base = new URL(serverUrl("mysql"));
  const credentials = {
    host: base.hostname,
    port: Number(base.port),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  };
  const admin = await mysql.createConnection(credentials);
  await admin.query(`CREATE DATABASE \`${name}\``);
  const conn = await mysql.createConnection({
    ...credentials,
    database: name,
    ...(options.bigNumberStrings ? { supportBigNumbers: true, bigNumberStrings: true } : {}),
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
