import { buildMysqlExec, buildPgExec } from "@orrery/hyperdrive/global";
import { encodeDocument, NAMESPACE_COLUMN, type SqlValue } from "@orrery/schema";
import type { BatchStatement, SqlExec } from "@orrery/store";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { UsageError } from "../command";
import type { DatabaseUrl } from "../database-url";
import type { PreparedTable } from "./prepare-seed";

export interface SeedCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** A `DATABASE_URL` parsed enough to pick the driver and name the server in errors (no password). */
export type DatabaseTarget = DatabaseUrl;

const fail = (message: string) => new UsageError(message, 1);

/** One line for a driver's error: what went wrong talking to the server, never the password. */
export function describeDatabaseError(error: unknown, target: DatabaseTarget): string {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  const message = (typeof e.message === "string" ? e.message : String(error)).split("\n")[0] ?? "";
  switch (code) {
    case "ECONNREFUSED":
      return `cannot connect to ${target.display}: connection refused (is the server running?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot connect to ${target.display}: host not found`;
    case "ETIMEDOUT":
    case "CONNECT_TIMEOUT":
      return `cannot connect to ${target.display}: timed out`;
    case "ECONNRESET":
      return `connection to ${target.display} was reset: ${message}`;
    case "28P01":
    case "28000":
    case "ER_ACCESS_DENIED_ERROR":
    case "ER_DBACCESS_DENIED_ERROR":
      return `${target.display} refused the credentials in DATABASE_URL: ${message}`;
    case "3D000":
    case "ER_BAD_DB_ERROR":
      return `${target.display}: ${message}`;
    case "42P01":
    case "ER_NO_SUCH_TABLE":
      return `${message} (run "orrery migrate latest" against this database first)`;
  }
  return message;
}

const CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * One row's upsert on the primary key `(_namespace, _id)`: inserted with `_version` 1 and this
 * run's `_creationTime`; on conflict the fields are overwritten and `_version` raised by one,
 * but only when a field actually differs, so an unchanged row stays exactly as it was (and the
 * store's OCC guard sees every real change as a new version). `_creationTime` is never updated.
 */
function upsertStatement(exec: SqlExec, table: PreparedTable, row: Record<string, SqlValue>): BatchStatement {
  const { quote: q, placeholder } = exec.dialect;
  const columns = Object.keys(row);
  const values = columns.map((_, i) => placeholder(i + 1)).join(", ");
  const fields = Object.keys(table.definition.fields);
  const insert = `INSERT INTO ${q(table.name)} (${columns.map(q).join(", ")}) VALUES (${values})`;
  if (exec.engine === "postgres") {
    if (fields.length === 0)
      return {
        sql: `${insert} ON CONFLICT (${q(NAMESPACE_COLUMN)}, ${q("_id")}) DO NOTHING`,
        params: Object.values(row),
      };
    const current = (f: string) => `${q(table.name)}.${q(f)}`;
    const incoming = (f: string) => `EXCLUDED.${q(f)}`;
    const sets = [
      ...fields.map((f) => `${q(f)} = ${incoming(f)}`),
      `${q("_version")} = ${current("_version")} + 1`,
    ];
    const changed = `ROW(${fields.map(current).join(", ")}) IS DISTINCT FROM ROW(${fields.map(incoming).join(", ")})`;
    return {
      sql: `${insert} ON CONFLICT (${q(NAMESPACE_COLUMN)}, ${q("_id")}) DO UPDATE SET ${sets.join(", ")} WHERE ${changed}`,
      params: Object.values(row),
    };
  }
  if (fields.length === 0)
    return { sql: `${insert} ON DUPLICATE KEY UPDATE ${q("_id")} = ${q("_id")}`, params: Object.values(row) };
  // MySQL assigns left to right, each seeing the ones before: `_version` first, against the old values.
  const same = fields.map((f) => `${q(f)} <=> VALUES(${q(f)})`).join(" AND ");
  const sets = [
    `${q("_version")} = IF(${same}, ${q("_version")}, ${q("_version")} + 1)`,
    ...fields.map((f) => `${q(f)} = VALUES(${q(f)})`),
  ];
  return { sql: `${insert} ON DUPLICATE KEY UPDATE ${sets.join(", ")}`, params: Object.values(row) };
}

function versionsStatements(exec: SqlExec, table: PreparedTable, namespace: string): BatchStatement[] {
  const { quote: q, placeholder } = exec.dialect;
  return chunks(
    table.rows.map((row) => row.id),
    CHUNK,
  ).map((ids) => ({
    sql: `SELECT ${q("_id")}, ${q("_version")} FROM ${q(table.name)} WHERE ${q(NAMESPACE_COLUMN)} = ${placeholder(1)} AND ${q("_id")} IN (${ids.map((_, i) => placeholder(i + 2)).join(", ")})`,
    params: [namespace, ...ids],
  }));
}

/**
 * Upserts one table's rows in one transaction (the exec's batch): nothing of the table is
 * written unless all of it is. Reads the rows' versions before and after, in the same
 * transaction, to tell inserted, updated and unchanged rows apart.
 */
async function seedTable(
  exec: SqlExec,
  table: PreparedTable,
  namespace: string,
  now: number,
): Promise<SeedCounts> {
  const before = versionsStatements(exec, table, namespace);
  const upserts = table.rows.map((row) => {
    const encoded = encodeDocument(
      table.definition,
      { ...row.fields, _id: row.id, _creationTime: now, _version: 1 },
      exec.engine,
    );
    encoded[NAMESPACE_COLUMN] = namespace;
    return upsertStatement(exec, table, encoded);
  });
  const after = versionsStatements(exec, table, namespace);
  const results = await exec.batch([...before, ...upserts, ...after]);
  const versions = (rows: readonly Record<string, unknown>[]) =>
    new Map(rows.map((r) => [String(r._id), String(r._version)]));
  const old = versions(results.slice(0, before.length).flatMap((r) => r.rows));
  const now_ = versions(results.slice(before.length + upserts.length).flatMap((r) => r.rows));
  let inserted = 0;
  let updated = 0;
  for (const row of table.rows) {
    const was = old.get(row.id);
    if (was === undefined) inserted++;
    else if (was !== now_.get(row.id)) updated++;
  }
  return { inserted, updated, unchanged: table.rows.length - inserted - updated };
}

/** One connection's exec on Postgres or MySQL (`orrery seed`, `orrery etl`); fails with the driver's error. */
export async function openExec(target: DatabaseTarget): Promise<{ exec: SqlExec; close(): Promise<void> }> {
  if (target.engine === "postgres") {
    const sql = postgres(target.url, { max: 1, connect_timeout: 10, onnotice: () => undefined });
    const exec = buildPgExec(sql);
    const close = () => sql.end({ timeout: 5 });
    try {
      await exec.run({ sql: "SELECT 1", params: [] });
    } catch (error) {
      await close().catch(() => undefined);
      throw error;
    }
    return { exec, close };
  }
  const pool = mysql.createPool({ uri: target.url, connectionLimit: 1, connectTimeout: 10_000 });
  try {
    // Connects and checks FOUND_ROWS, which the store's guard needs (mysql2's default).
    return { exec: await buildMysqlExec(pool), close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Seeds `.global()` tables on Postgres or MySQL, scoped to `namespace` (the `_namespace`
 * column), one transaction per table in the seed's order. `report` hears each table's counts
 * as it commits. A failure names the table; tables before it stay written, it is not.
 */
export async function seedDatabase(
  target: DatabaseTarget,
  namespace: string,
  tables: readonly PreparedTable[],
  report: (table: string, counts: SeedCounts) => void,
  now: number = Date.now(),
): Promise<void> {
  let connection: { exec: SqlExec; close(): Promise<void> };
  try {
    connection = await openExec(target);
  } catch (error) {
    throw fail(describeDatabaseError(error, target));
  }
  try {
    for (const table of tables) {
      let counts: SeedCounts;
      try {
        counts = await seedTable(connection.exec, table, namespace, now);
      } catch (error) {
        throw fail(
          `table "${table.name}": ${describeDatabaseError(error, target)}; nothing of it was written`,
        );
      }
      report(table.name, counts);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}
