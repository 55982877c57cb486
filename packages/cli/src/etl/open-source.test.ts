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

  it("refuses a database whose WAL holds writes not yet in the file", async () => {
    const file = path.join(dir, "wal", "db.sqlite");
    await sqliteFile(file, 1);
    writeFileSync(`${file}-wal`, "not yet checkpointed");
    expect((await failure(file)).message).toMatch(
      /^wal\/db\.sqlite-wal holds writes not yet in wal\/db\.sqlite: stop wrangler dev/,
    );
    writeFileSync(`${file}-wal`, "");
    (await openSource(file, show)).db.close();
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
