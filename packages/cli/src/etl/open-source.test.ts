import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import initSqlJs from "sql.js";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../command";
import { openSource } from "./open-source";

const dir = mkdtempSync(path.join(os.tmpdir(), "orrery-etl-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const show = (file: string) => path.relative(dir, file);

async function sqliteFile(file: string, rows: number): Promise<void> {
  const db = new (await initSqlJs()).Database();
  db.run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  for (let i = 1; i <= rows; i++) db.run("INSERT INTO t (v) VALUES (?)", [`v${i}`]);
  const bytes = db.export();
  db.close();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

/** The pages of a database of `t` with `rows` rows, as sql.js exports it. */
async function exportedWith(rows: number): Promise<Uint8Array[]> {
  const db = new (await initSqlJs()).Database();
  db.run("PRAGMA page_size = 4096");
  db.run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  for (let i = 1; i <= rows; i++) db.run("INSERT INTO t (v) VALUES (?)", [`v${i}`]);
  const bytes = db.export();
  db.close();
  return Array.from({ length: bytes.byteLength / 4096 }, (_, i) => bytes.subarray(i * 4096, (i + 1) * 4096));
}

/**
 * A write-ahead log as SQLite on a little-endian machine writes one (its header, then a frame
 * per page of each transaction, the last of a committed one carrying the database's size),
 * written here from sqlite.org/fileformat2.html, not by the code under test.
 */
function walFile(transactions: readonly { pages: readonly Uint8Array[]; commit: boolean }[]): Buffer {
  const sum = (data: Buffer, seed: [number, number]): [number, number] => {
    let [s0, s1] = seed;
    for (let at = 0; at < data.length; at += 8) {
      s0 = (s0 + data.readUInt32LE(at) + s1) >>> 0;
      s1 = (s1 + data.readUInt32LE(at + 4) + s0) >>> 0;
    }
    return [s0, s1];
  };
  const header = Buffer.alloc(32);
  header.writeUInt32BE(0x377f0682, 0);
  header.writeUInt32BE(3007000, 4);
  header.writeUInt32BE(4096, 8);
  header.writeUInt32BE(0, 12);
  header.writeUInt32BE(0x1234abcd, 16);
  header.writeUInt32BE(0x0badf00d, 20);
  let seed = sum(header.subarray(0, 24), [0, 0]);
  header.writeUInt32BE(seed[0], 24);
  header.writeUInt32BE(seed[1], 28);
  const parts = [header];
  for (const { pages, commit } of transactions)
    pages.forEach((page, i) => {
      const frame = Buffer.alloc(24);
      frame.writeUInt32BE(i + 1, 0);
      frame.writeUInt32BE(commit && i === pages.length - 1 ? pages.length : 0, 4);
      header.copy(frame, 8, 16, 24);
      seed = sum(Buffer.concat([frame.subarray(0, 8), page]), seed);
      frame.writeUInt32BE(seed[0], 16);
      frame.writeUInt32BE(seed[1], 20);
      parts.push(frame, Buffer.from(page));
    });
  return Buffer.concat(parts);
}

const failure = async (input: string) => {
  try {
    await openSource(input, show);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return { message: (error as Error).message, exitCode: (error as UsageError).exitCode };
  }
  throw new Error(`${input} opened`);
};

describe("openSource", () => {
  it("opens the one SQLite file under a folder, as wrangler keeps local D1 databases", async () => {
    await sqliteFile(path.join(dir, "one", "v3", "d1", "miniflare-D1DatabaseObject", "abc.sqlite"), 3);
    const source = await openSource(path.join(dir, "one"), show);
    expect(source.kind).toBe("sqlite");
    expect(source.db.all("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 3 }]);
    source.db.close();
    await sqliteFile(path.join(dir, "two", "b.sqlite"), 1);
    await sqliteFile(path.join(dir, "two", "a.sqlite"), 1);
    expect(await failure(path.join(dir, "two"))).toEqual({
      message: "2 SQLite files under two, pass one: two/a.sqlite, two/b.sqlite",
      exitCode: 2,
    });
  });

  it("reads a database with the committed writes of its WAL, as wrangler leaves a local D1 database", async () => {
    const file = path.join(dir, "wal", "db.sqlite");
    await sqliteFile(file, 1);
    const after = await exportedWith(3);
    // A committed transaction (every page of the 3-row database), then half a transaction.
    writeFileSync(
      `${file}-wal`,
      walFile([
        { pages: after, commit: true },
        { pages: [after[0]!], commit: false },
      ]),
    );
    const source = await openSource(file, show);
    expect(source.db.all("SELECT v FROM t ORDER BY id")).toEqual([{ v: "v1" }, { v: "v2" }, { v: "v3" }]);
    source.db.close();
    // An empty WAL (checkpointed) and one that is not a WAL: the file alone.
    for (const wal of ["", "not a write-ahead log at all, just text"]) {
      writeFileSync(`${file}-wal`, wal);
      const alone = await openSource(file, show);
      expect(alone.db.all("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 1 }]);
      alone.db.close();
    }
  });

  it("loads a dump (its own transaction statements skipped) and names the statement that fails", async () => {
    const file = path.join(dir, "dump.sql");
    writeFileSync(
      file,
      "PRAGMA defer_foreign_keys=TRUE;\nBEGIN TRANSACTION;\nCREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id));\nINSERT INTO c VALUES(1, 7);\nCREATE TABLE p (id INTEGER PRIMARY KEY);\nINSERT INTO p VALUES(7);\nCOMMIT;\n",
    );
    const source = await openSource(file, show);
    expect(source.kind).toBe("dump");
    expect(source.db.all("SELECT c.id, p.id AS parent FROM c JOIN p ON p.id = c.p")).toEqual([
      { id: 1, parent: 7 },
    ]);
    source.db.close();
    writeFileSync(
      file,
      "CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\nINSERT INTO missing VALUES (2);\n",
    );
    expect(await failure(file)).toEqual({
      message: "dump.sql: statement 3 of the dump failed: no such table: missing",
      exitCode: 1,
    });
  });
});
