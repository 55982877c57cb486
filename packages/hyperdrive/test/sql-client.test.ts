import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { fromMysql2, fromNodePg, fromPostgresJs, type SqlClient } from "../src";
import { mysqlOptions, mysqlPool, nodePgPool, pgUrl, postgresJs } from "./databases";

interface Pair {
  a: number;
  b: string;
}

describe("ctx.sql adapters run parameterised queries in the driver's own placeholder syntax", () => {
  const sql = postgresJs(undefined, { max: 1 });
  const pool = nodePgPool(undefined, { max: 1 });
  const mariadb = mysqlPool(undefined, { connectionLimit: 1 });
  afterAll(async () => {
    await Promise.all([sql.end(), pool.end(), mariadb.end()]);
  });

  const roundTrip = async (client: SqlClient, text: string) => {
    const rows = await client.query<Pair>(text, [41, "orrery"]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.a)).toBe(42);
    expect(rows[0]?.b).toBe("orrery!");
  };

  it("fromPostgresJs: $1, $2 through sql.unsafe", async () => {
    await roundTrip(fromPostgresJs(sql), "SELECT $1::int + 1 AS a, $2::text || '!' AS b");
  });

  it("fromNodePg: $1, $2 through Pool.query, rows out of .rows", async () => {
    await roundTrip(fromNodePg(pool), "SELECT $1::int + 1 AS a, $2::text || '!' AS b");
  });

  it("fromNodePg works on a plain Client too", async () => {
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    try {
      await roundTrip(fromNodePg(client), "SELECT $1::int + 1 AS a, $2::text || '!' AS b");
    } finally {
      await client.end();
    }
  });

  it("fromMysql2: ? placeholders through pool.query, rows out of [rows]", async () => {
    await roundTrip(fromMysql2(mariadb), "SELECT ? + 1 AS a, CONCAT(?, '!') AS b");
  });

  it("fromMysql2 on a single connection; a statement without rows resolves to []", async () => {
    const connection = await mysql.createConnection(mysqlOptions());
    try {
      const client = fromMysql2(connection);
      await client.query("CREATE TEMPORARY TABLE t (x INT)");
      expect(await client.query("INSERT INTO t (x) VALUES (?), (?)", [1, 2])).toEqual([]);
      expect(await client.query<{ x: number }>("SELECT x FROM t WHERE x > ? ORDER BY x", [0])).toEqual([
        { x: 1 },
        { x: 2 },
      ]);
    } finally {
      await connection.end();
    }
  });

  it("SQL text is never rewritten: a ? stays a ? on Postgres", async () => {
    const rows = await fromPostgresJs(sql).query<{ q: string }>("SELECT '?' AS q");
    expect(rows).toEqual([{ q: "?" }]);
  });
});
