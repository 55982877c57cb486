import mysql from "mysql2/promise";
import { afterAll, describe, expect, inject, it } from "vitest";
import { MYSQL_URL_ENV } from "./setup.js";

const url = inject("orreryMysqlUrl");

describe("mariadb wiring", () => {
  if (url === undefined) throw new Error("globalSetup did not provide orreryMysqlUrl");
  const pool = mysql.createPool({ uri: url, connectionLimit: 2 });
  const noFoundRows = mysql.createPool({ uri: url, connectionLimit: 1, flags: ["-FOUND_ROWS"] });
  afterAll(async () => {
    await Promise.all([pool.end(), noFoundRows.end()]);
  });

  it("publishes the URL through the environment and inject()", () => {
    expect(process.env[MYSQL_URL_ENV]).toBe(url);
    expect(url).toMatch(/^mysql:\/\/orrery:orrery-test@127\.0\.0\.1:\d+\/orrery_test$/);
  });

  it("runs select version() against MariaDB 10.11", async () => {
    const [rows] = await pool.query<mysql.RowDataPacket[]>("SELECT VERSION() AS version");
    expect(String(rows[0]?.version)).toMatch(/^10\.11\.\d+-MariaDB/);
  });

  it("is connected as orrery to a utf8mb4 orrery_test", async () => {
    const [rows] = await pool.query<mysql.RowDataPacket[]>(
      "SELECT CURRENT_USER() AS user, DATABASE() AS db, @@character_set_database AS charset",
    );
    expect(rows[0]).toEqual({ user: "orrery@127.0.0.1", db: "orrery_test", charset: "utf8mb4" });
  });

  it("round-trips create / insert / select", async () => {
    await pool.query(
      "CREATE TABLE wiring_my (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, qty BIGINT NOT NULL)",
    );
    const [insert] = await pool.query<mysql.ResultSetHeader>("INSERT INTO wiring_my (name, qty) VALUES ?", [
      [
        ["alpha", 1],
        ["beta", 2],
      ],
    ]);
    expect(insert.affectedRows).toBe(2);
    const [rows] = await pool.query<mysql.RowDataPacket[]>("SELECT name, qty FROM wiring_my ORDER BY id");
    expect(rows.map((r) => ({ name: r.name, qty: Number(r.qty) }))).toEqual([
      { name: "alpha", qty: 1 },
      { name: "beta", qty: 2 },
    ]);
  });

  it("reports a matched-but-unchanged UPDATE as 1 affected row with FOUND_ROWS (the default)", async () => {
    await pool.query("CREATE TABLE found_rows_my (id INT PRIMARY KEY, v INT NOT NULL)");
    await pool.query("INSERT INTO found_rows_my VALUES (1, 10)");
    const [withFlag] = await pool.query<mysql.ResultSetHeader>(
      "UPDATE found_rows_my SET v = 10 WHERE id = 1",
    );
    expect(withFlag.affectedRows).toBe(1);
    expect(withFlag.changedRows).toBe(0);

    const [withoutFlag] = await noFoundRows.query<mysql.ResultSetHeader>(
      "UPDATE found_rows_my SET v = 10 WHERE id = 1",
    );
    expect(withoutFlag.affectedRows).toBe(0);

    // Both count a row that really changes, and neither counts a row that does not match.
    const [changed] = await noFoundRows.query<mysql.ResultSetHeader>(
      "UPDATE found_rows_my SET v = 11 WHERE id = 1",
    );
    expect(changed.affectedRows).toBe(1);
    const [missing] = await pool.query<mysql.ResultSetHeader>("UPDATE found_rows_my SET v = 12 WHERE id = 2");
    expect(missing.affectedRows).toBe(0);
  });

  it("enforces password authentication", async () => {
    await expect(
      mysql.createConnection({ uri: url.replace("orrery-test@", "wrong-password@") }),
    ).rejects.toThrow(/Access denied/);
  });
});
