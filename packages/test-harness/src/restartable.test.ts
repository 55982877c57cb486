import mysql from "mysql2/promise";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { startMariaDb } from "./mariadb.js";
import { startPostgres } from "./postgres.js";
import { isAlive } from "./system.js";

// An outage as the fault suite stages one: shut down, refused meanwhile, booted again with the
// committed rows (synchronous_commit and InnoDB flushing are off, so a dirty stop would lose some).
describe("shutdown() and boot()", () => {
  it("Postgres keeps its port and every committed row", async () => {
    const server = await startPostgres();
    try {
      const sql = () => postgres(server.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      const before = sql();
      await before`create table kept (n int)`;
      await before`insert into kept select generate_series(1, 500)`;
      await before.end({ timeout: 1 });
      const firstPid = server.pid;
      await server.shutdown();
      expect(isAlive(firstPid)).toBe(false);
      const during = sql();
      await expect(during`select 1`).rejects.toMatchObject({ code: "ECONNREFUSED" });
      await during.end({ timeout: 0 });
      await server.boot();
      expect(server.pid).not.toBe(firstPid);
      const after = sql();
      expect(await after`select count(*)::int as n from kept`).toEqual([{ n: 500 }]);
      await after.end({ timeout: 1 });
    } finally {
      await server.stop();
    }
  }, 90_000);

  it("MariaDB keeps its port and every committed row", async () => {
    const server = await startMariaDb();
    try {
      const before = await mysql.createConnection({ uri: server.url });
      await before.query("CREATE TABLE kept (n INT)");
      await before.query("INSERT INTO kept (n) VALUES ?", [Array.from({ length: 500 }, (_, i) => [i])]);
      await before.end();
      await server.shutdown();
      await expect(mysql.createConnection({ uri: server.url, connectTimeout: 2000 })).rejects.toMatchObject({
        code: "ECONNREFUSED",
      });
      await server.boot();
      const after = await mysql.createConnection({ uri: server.url });
      const [rows] = await after.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM kept");
      expect(Number(rows[0]?.n)).toBe(500);
      await after.end();
    } finally {
      await server.stop();
    }
  }, 90_000);
});
