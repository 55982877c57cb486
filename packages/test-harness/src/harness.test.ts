import { existsSync } from "node:fs";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { findMariaDbBinaries } from "./mariadb.js";
import { findPostgresBinaries, startPostgres } from "./postgres.js";
import { isAlive, MissingBinaryError } from "./system.js";

describe("harness", () => {
  it("starts independent servers concurrently and stop() removes everything", async () => {
    const [a, b] = await Promise.all([
      startPostgres({ database: "one" }),
      startPostgres({ database: "two" }),
    ]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.baseDir).not.toBe(b.baseDir);
      for (const server of [a, b]) {
        const sql = postgres(server.url, { max: 1, onnotice: () => {} });
        const [row] = await sql<{ db: string }[]>`select current_database() as db`;
        expect(row?.db).toBe(server.database);
        await sql.end({ timeout: 1 });
        expect(server.startupMs).toBeGreaterThan(0);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    for (const server of [a, b]) {
      expect(isAlive(server.pid)).toBe(false);
      expect(existsSync(server.baseDir)).toBe(false);
    }
    await a.stop(); // idempotent
  });

  it("explains how to install a missing server binary", () => {
    expect(() => findPostgresBinaries("/nonexistent/bin")).toThrow(MissingBinaryError);
    expect(() => findPostgresBinaries("/nonexistent/bin")).toThrow(
      /node scripts\/ensure-system-deps\.mjs.*apt-get install -y --no-install-recommends postgresql/s,
    );
    expect(() => findMariaDbBinaries({ serverBinary: "/nonexistent/mariadbd" })).toThrow(
      /node scripts\/ensure-system-deps\.mjs.*mariadb-server/s,
    );
  });
});
