import { INT64_MAX, INT64_MIN } from "@orrery/schema";
import { GuardFailedError } from "@orrery/store";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildMysqlExec,
  buildPgExec,
  createHyperdriveGlobalCtxDb,
  createMysqlGlobalCtxDb,
  FOUND_ROWS_MESSAGE,
  mysqlDialect,
  postgresDialect,
} from "../src/global";
import { mysqlOptions, mysqlPool, pgUrl, postgresJs } from "./databases";
import { appSchema, drivers, openSplitStore, type SplitStore } from "./fixtures";

const bytes = (...values: number[]) => Uint8Array.from(values).buffer;

describe.each(drivers)(".global() backend on %s", (driver) => {
  let split: SplitStore;
  beforeAll(async () => {
    split = await openSplitStore(driver);
  });
  afterAll(async () => {
    await split.end();
  });

  it("ensureTables is idempotent, also when several stores start at once", async () => {
    await split.backend.ensureTables();
    await Promise.all([
      split.backend.ensureTables(),
      split.backend.ensureTables(),
      split.backend.ensureTables(),
    ]);
    const store = await split.open();
    await store.mutate((db) => db.insert("counters", { name: "after-ensure", value: 1n }));
  });

  it("every column type round-trips exactly through the driver", async () => {
    const store = await split.open();
    const doc = {
      float: 0.1 + 0.2,
      huge: 1e20,
      tiny: 5e-324,
      int: 2n ** 63n - 1n,
      bytes: bytes(0, 255, 0),
      text: "naïve ☃ 𝄞",
      nested: [null, true, "s"],
    };
    const sample = {
      big: INT64_MAX,
      ratio: 0.1 + 0.2,
      flag: false,
      blob: bytes(0, 1, 2, 253, 254, 255),
      text: "Zoë 🚀 end",
      doc,
    };
    const { value: id } = await store.mutate((db) => db.insert("samples", sample));
    await store.mutate((db) => db.insert("samples", { ...sample, big: INT64_MIN, flag: true, maybe: "" }));
    const fresh = await split.open(store.namespace);
    const { value: read } = await fresh.query((db) => db.get("samples", id));
    expect(read).toMatchObject({ ...sample, _version: 1 });
    expect(read?.maybe).toBeUndefined();
    const { value: all } = await fresh.query((db) => db.query("samples").collect());
    expect(all.map((s) => [s.big, s.flag, s.maybe])).toEqual([
      [INT64_MAX, false, undefined],
      [INT64_MIN, true, ""],
    ]);
  });

  it("one mutation writes plain (home) and .global() rows; the commit log records both", async () => {
    const store = await split.open();
    const start = store.version;
    const outcome = await store.mutate(async (db) => {
      const note = await db.insert("notes", { body: "hello" });
      const counter = await db.insert("counters", { name: "both", value: 7n });
      return { note, counter };
    });
    expect(outcome.commitVersion).toBe(start + 1);
    const log = await store.commitsSince(start);
    expect(log.map((e) => [e.table, e.operation])).toEqual([
      ["notes", "insert"],
      ["counters", "insert"],
    ]);
    const { value } = await store.query(async (db) => ({
      note: await db.get("notes", outcome.value.note),
      counter: await db.get("counters", outcome.value.counter),
    }));
    expect(value.note?.body).toBe("hello");
    expect(value.counter?.value).toBe(7n);
  });

  it("the backend reports its engine and the matching dialect", () => {
    expect(split.backend.engine).toBe(driver === "mysql2" ? "mysql" : "postgres");
    expect(split.backend.exec.dialect).toBe(driver === "mysql2" ? mysqlDialect : postgresDialect);
    expect(split.backend.schema).toBe(appSchema);
  });
});

describe("FOUND_ROWS", () => {
  it("buildMysqlExec refuses a pool created with flags: ['-FOUND_ROWS'], explaining the fix", async () => {
    const pool = mysqlPool(undefined, { flags: ["-FOUND_ROWS"] });
    try {
      await expect(buildMysqlExec(pool)).rejects.toThrow(FOUND_ROWS_MESSAGE);
      await expect(createMysqlGlobalCtxDb(pool, { schema: appSchema })).rejects.toThrow(
        /matched-row|FOUND_ROWS/,
      );
      expect(FOUND_ROWS_MESSAGE).toContain('flags: ["FOUND_ROWS"]');
      expect(FOUND_ROWS_MESSAGE).toContain('flags: ["-FOUND_ROWS"]');
    } finally {
      await pool.end();
    }
  });

  it("buildMysqlExec refuses a single connection without FOUND_ROWS, and accepts one with it", async () => {
    const without = await mysql.createConnection({ ...mysqlOptions(), flags: ["-FOUND_ROWS"] });
    const withFlag = await mysql.createConnection({ ...mysqlOptions(), flags: ["FOUND_ROWS"] });
    try {
      await expect(buildMysqlExec(without)).rejects.toThrow(FOUND_ROWS_MESSAGE);
      const exec = await buildMysqlExec(withFlag);
      expect(exec.engine).toBe("mysql");
    } finally {
      await Promise.all([without.end(), withFlag.end()]);
    }
  });
});

describe("single connections (not pools) are serialised", () => {
  it("a node-postgres Client and a mysql2 Connection carry concurrent reads and commits", async () => {
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    const connection = await mysql.createConnection(mysqlOptions());
    try {
      for (const exec of [buildPgExec(client), await buildMysqlExec(connection)]) {
        const table = `single_${exec.engine}_${Date.now()}`;
        const q = exec.dialect.quote;
        const p = exec.dialect.placeholder;
        await exec.run({ sql: `CREATE TABLE ${q(table)} (id INT PRIMARY KEY, n INT NOT NULL)`, params: [] });
        try {
          await exec.run({ sql: `INSERT INTO ${q(table)} (id, n) VALUES (1, 0)`, params: [] });
          // Each batch bumps row 1, then its guard on the missing row 2 fails and it rolls back.
          const failingBump = () =>
            exec.batch([
              { sql: `UPDATE ${q(table)} SET n = n + 1 WHERE id = ${p(1)}`, params: [1], expectAffected: 1 },
              { sql: `UPDATE ${q(table)} SET n = n + 1 WHERE id = ${p(1)}`, params: [2], expectAffected: 1 },
            ]);
          const readN = async () =>
            Number((await exec.run({ sql: `SELECT n FROM ${q(table)}`, params: [] })).rows[0]?.n);
          const bumps = Array.from({ length: 5 }, failingBump);
          const reads = Array.from({ length: 5 }, readN);
          for (const bump of bumps) await expect(bump).rejects.toBeInstanceOf(GuardFailedError);
          // A read that slipped into another caller's open transaction would have seen 1.
          expect(await Promise.all(reads)).toEqual([0, 0, 0, 0, 0]);
          expect(await readN()).toBe(0);
        } finally {
          await exec.run({ sql: `DROP TABLE ${q(table)}`, params: [] });
        }
      }
    } finally {
      await Promise.all([client.end(), connection.end()]);
    }
  });
});

describe("a postgres.js batch, its statements pipelined", () => {
  it("is still all or nothing: a missed guard or a failed statement anywhere rolls back every statement", async () => {
    const sql = postgresJs(undefined, { max: 1 });
    const exec = buildPgExec(sql);
    const table = `pipelined_${Date.now()}`;
    const run = (text: string, params: unknown[] = []) => exec.run({ sql: text, params: params as never });
    await run(`CREATE TABLE "${table}" (id INT PRIMARY KEY, n INT NOT NULL)`);
    try {
      await run(`INSERT INTO "${table}" (id, n) VALUES (1, 0)`);
      const insert = (id: number) => ({ sql: `INSERT INTO "${table}" (id, n) VALUES ($1, 0)`, params: [id] });
      const bump = (id: number) => ({
        sql: `UPDATE "${table}" SET n = n + 1 WHERE id = $1`,
        params: [id],
        expectAffected: 1,
      });
      // The guard on the missing row 9 misses, between two statements that would succeed.
      const missed = await exec.batch([insert(2), bump(9), bump(1), insert(3)]).catch((e: unknown) => e);
      expect(missed).toBeInstanceOf(GuardFailedError);
      expect(missed).toMatchObject({ statementIndex: 1, rowsAffected: 0 });
      // A duplicate key fails the second statement; the ones after it fail with the transaction.
      await expect(exec.batch([bump(1), insert(1), insert(4)])).rejects.toThrow(/duplicate key/);
      expect((await run(`SELECT id, n FROM "${table}" ORDER BY id`)).rows).toEqual([{ id: 1, n: 0 }]);
      // And a batch whose guards hold lands whole, results in order.
      const landed = await exec.batch([insert(2), bump(1), bump(2)]);
      expect(landed.map((result) => result.rowsAffected)).toEqual([1, 1, 1]);
      expect((await run(`SELECT id, n FROM "${table}" ORDER BY id`)).rows).toEqual([
        { id: 1, n: 1 },
        { id: 2, n: 1 },
      ]);
    } finally {
      await run(`DROP TABLE "${table}"`);
      await sql.end();
    }
  });
});

describe("a postgres.js batch of writes to different tables, as one statement", () => {
  it("lands whole, or not at all when a guard misses or a write fails", async () => {
    const sql = postgresJs(undefined, { max: 1 });
    const exec = buildPgExec(sql);
    const stamp = Date.now();
    const [docs, marks] = [`single_docs_${stamp}`, `single_marks_${stamp}`];
    const run = (text: string, params: unknown[] = []) => exec.run({ sql: text, params: params as never });
    await run(`CREATE TABLE "${docs}" (id INT PRIMARY KEY, v INT NOT NULL)`);
    await run(`CREATE TABLE "${marks}" (id INT PRIMARY KEY)`);
    const statements: string[] = [];
    const spy = postgresJs(undefined, {
      max: 1,
      debug: (_connection: number, query: string) => statements.push(query),
    });
    const spied = buildPgExec(spy);
    try {
      await run(`INSERT INTO "${docs}" (id, v) VALUES (1, 1)`);
      const mark = (id: number) => ({ sql: `INSERT INTO "${marks}" (id) VALUES ($1)`, params: [id] });
      const bump = (id: number, from: number) => ({
        sql: `UPDATE "${docs}" SET v = $1 WHERE id = $2 AND v = $3`,
        params: [from + 1, id, from],
        expectAffected: 1,
      });
      // A guard that misses (row 1 is at v = 1, not 7), after a write that would succeed.
      const missed = await spied.batch([mark(10), bump(1, 7)]).catch((e: unknown) => e);
      expect(missed).toBeInstanceOf(GuardFailedError);
      expect(missed).toMatchObject({ statementIndex: 1, rowsAffected: 0 });
      // A duplicate key in the second write undoes the first.
      await run(`INSERT INTO "${marks}" (id) VALUES (20)`);
      await expect(spied.batch([bump(1, 1), mark(20)])).rejects.toThrow(/duplicate key/);
      expect((await run(`SELECT id, v FROM "${docs}"`)).rows).toEqual([{ id: 1, v: 1 }]);
      expect((await run(`SELECT id FROM "${marks}" ORDER BY id`)).rows).toEqual([{ id: 20 }]);
      // Guards that hold: both land, with their counts, in one statement (no BEGIN, no COMMIT).
      statements.length = 0;
      const landed = await spied.batch([bump(1, 1), mark(11)]);
      expect(landed.map((result) => result.rowsAffected)).toEqual([1, 1]);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^WITH w0 AS \(UPDATE/);
      expect((await run(`SELECT id, v FROM "${docs}"`)).rows).toEqual([{ id: 1, v: 2 }]);
      // Two writes to one table would not see each other in one statement: a transaction.
      statements.length = 0;
      await spied.batch([
        mark(12),
        { sql: `DELETE FROM "${marks}" WHERE id = $1`, params: [12], expectAffected: 1 },
      ]);
      expect(statements.map((query) => query.split(" ")[0])).toEqual(["begin", "INSERT", "DELETE", "commit"]);
    } finally {
      await run(`DROP TABLE "${docs}"`);
      await run(`DROP TABLE "${marks}"`);
      await Promise.all([sql.end(), spy.end()]);
    }
  });
});

describe("createHyperdriveGlobalCtxDb", () => {
  it("refuses an exec of another engine", async () => {
    const client = new pg.Client({ connectionString: pgUrl() });
    expect(() =>
      createHyperdriveGlobalCtxDb({ engine: "mysql", exec: buildPgExec(client), schema: appSchema }),
    ).toThrow(/engine is "mysql" but the exec runs "postgres"/);
  });
});
