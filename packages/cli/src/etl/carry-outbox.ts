import { type SqlValue, SYSTEM_TABLES } from "@orrery/schema";
import type { BatchStatement, Dialect } from "@orrery/store";
import { quoteSqlite, type SqliteDatabase } from "./sqlite";
import { insertRows, type WrittenColumn } from "./upsert-sql";

/**
 * The messages `ctx.outbox.publish` left in D1's external outbox that its relay had not sent
 * when the app stopped: in D1 they would never be sent once the app reads its `.global()`
 * tables from Postgres/MySQL, so `orrery etl` carries them into the target's outbox, whose
 * relay sends them in the same order, under the same message ids (consumers dedupe on those).
 */
const OUTBOX = SYSTEM_TABLES.globalOutbox;
const COLUMNS: readonly WrittenColumn[] = [
  { name: "namespace", codec: "text" },
  { name: "id", codec: "text" },
  { name: "topic", codec: "text" },
  { name: "payload", codec: "text" },
  { name: "commit_version", codec: "int64" },
  { name: "seq", codec: "int64" },
  { name: "created_at", codec: "int64" },
];
const CHUNK = 1000;

export const OUTBOX_TABLE = OUTBOX.name;

/** The namespace's unsent messages in the source, in the order the relay sends them. */
export function unsentMessages(db: SqliteDatabase, namespace: string): SqlValue[][] {
  const exists = db.all("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [OUTBOX.name]);
  if (exists.length === 0) return [];
  const rows = db.all(
    `SELECT ${COLUMNS.map((c) => quoteSqlite(c.name)).join(", ")} FROM ${quoteSqlite(OUTBOX.name)} WHERE namespace = ? AND sent_at IS NULL ORDER BY commit_version, seq`,
    [namespace],
  );
  return rows.map((row) => COLUMNS.map((c) => row[c.name] as SqlValue));
}

/** Inserts the messages; one already there (an earlier run carried it, or sent it) is left alone. */
export function carryStatements(dialect: Dialect, messages: readonly SqlValue[][]): BatchStatement[] {
  const statements: BatchStatement[] = [];
  for (let at = 0; at < messages.length; at += CHUNK) {
    const insert = insertRows(dialect, OUTBOX.name, COLUMNS, messages.slice(at, at + CHUNK));
    statements.push(
      dialect.engine === "postgres"
        ? { ...insert, sql: `${insert.sql} ON CONFLICT DO NOTHING` }
        : { ...insert, sql: insert.sql.replace(/^INSERT INTO/, "INSERT IGNORE INTO") },
    );
  }
  return statements;
}
