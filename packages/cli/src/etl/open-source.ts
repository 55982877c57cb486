import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../command";
import { ScriptError, SqliteDatabase } from "./sqlite";
import { replayWal } from "./sqlite-wal";

/** The database `orrery etl` reads: a SQLite file, or a SQL dump loaded into memory. */
export interface EtlSource {
  readonly db: SqliteDatabase;
  readonly file: string;
  readonly kind: "sqlite" | "dump";
}

const SQLITE_HEADER = "SQLite format 3\0";
const SQLITE_FILE = /\.(sqlite3?|db)$/i;
// What `wrangler d1 export` and `sqlite3 .dump` start with.
const SQL_START = /^(PRAGMA|CREATE|INSERT|BEGIN|DELETE|--|\/\*)/i;
// The dump's own transaction: the load runs in one of its own.
const TRANSACTION_STATEMENT =
  /^\s*(BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?|COMMIT|END(\s+TRANSACTION)?)\s*;?\s*$/i;

const fail = (message: string) => new UsageError(message, 1);

function readHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(bytes);
    const read = readSync(fd, head, 0, bytes, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The one SQLite file under a folder (such as `.wrangler/state/v3/d1`). */
function findSqliteFile(dir: string, show: (file: string) => string): string {
  // miniflare keeps its own bookkeeping beside each local D1 database: metadata.sqlite.
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => SQLITE_FILE.test(name) && path.basename(name) !== "metadata.sqlite")
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
  if (files.length === 1) return files[0]!;
  if (files.length === 0) throw new UsageError(`no SQLite file (*.sqlite, *.db) under ${show(dir)}`);
  throw new UsageError(
    `${files.length} SQLite files under ${show(dir)}, pass one: ${files.map(show).sort().join(", ")}`,
  );
}

/** The file with its `-wal` beside it applied (wrangler leaves recent writes there). */
function openSqliteFile(file: string, show: (file: string) => string): Promise<SqliteDatabase> {
  const wal = `${file}-wal`;
  const bytes = readFileSync(file);
  const { database } = existsSync(wal) ? replayWal(bytes, readFileSync(wal)) : { database: bytes };
  return checked(file, show, () => SqliteDatabase.open(database));
}

async function checked(
  file: string,
  show: (file: string) => string,
  open: () => Promise<SqliteDatabase>,
): Promise<SqliteDatabase> {
  let db: SqliteDatabase | undefined;
  try {
    db = await open();
    const result = db.all("PRAGMA quick_check");
    const verdict = String(result[0]?.quick_check ?? "no answer");
    if (verdict !== "ok") throw new Error(verdict);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof UsageError) throw error;
    throw fail(`${show(file)} is a corrupt SQLite file: ${(error as Error).message ?? String(error)}`);
  }
}

async function loadDump(file: string, show: (file: string) => string): Promise<SqliteDatabase> {
  const text = readFileSync(file, "utf8");
  const db = await SqliteDatabase.open();
  try {
    // D1 dumps insert a table's rows before the tables they reference exist.
    db.run("PRAGMA foreign_keys = OFF");
    db.run("BEGIN");
    try {
      db.runScript(text, (statement) => !TRANSACTION_STATEMENT.test(statement));
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      throw fail(`${show(file)}: statement ${error.index + 1} of the dump failed: ${error.message}`);
    }
    db.run("COMMIT");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens the source: a SQLite file (a D1 database under `.wrangler/state`, or a folder holding
 * exactly one), told by its header, or a SQL dump (`wrangler d1 export`), told by its text or a
 * `.sql` name, loaded into an in-memory database. A SQLite file is read with the committed
 * writes of its `-wal` applied (as SQLite reads it). Nothing is written. Problems are one line
 * each: a missing file (exit 2), a corrupt database, a dump that fails to load (exit 1).
 */
export async function openSource(input: string, show: (file: string) => string): Promise<EtlSource> {
  if (!existsSync(input)) throw new UsageError(`source ${show(input)} not found`);
  const file = statSync(input).isDirectory() ? findSqliteFile(input, show) : input;
  const head = readHead(file, 4096);
  if (head.subarray(0, 16).toString("latin1") === SQLITE_HEADER)
    return { db: await openSqliteFile(file, show), file, kind: "sqlite" };
  const text = head
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (!head.includes(0) && (SQL_START.test(text) || file.toLowerCase().endsWith(".sql")))
    return { db: await checked(file, show, () => loadDump(file, show)), file, kind: "dump" };
  throw fail(`${show(file)} is not a SQLite database (no "SQLite format 3" header) nor a SQL dump`);
}
