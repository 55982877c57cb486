import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { findMariaDbBinaries } from "./mariadb.js";
import { findPostgresBinaries, startPostgres } from "./postgres.js";
import { getFreePort, isAlive, MissingBinaryError } from "./system.js";

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

  it("fails with the server log when its fixed port is taken, and leaves nothing behind", async () => {
    const port = await getFreePort();
    const sockets = new Set<Socket>();
    const blocker = createServer((socket) => {
      sockets.add(socket); // accepts and never answers, like a stuck foreign server
    });
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    // A private parent dir, so we can check that the failed attempt removed its temp dir.
    const tmpRoot = mkdtempSync(join(tmpdir(), "orrery-harness-test-"));
    chmodSync(tmpRoot, 0o755); // the server runs as the postgres user when we are root
    try {
      await expect(startPostgres({ port, tmpRoot, startTimeoutMs: 20_000 })).rejects.toThrow(
        /PostgreSQL did not start on 127\.0\.0\.1:\d+[\s\S]*Address already in use/,
      );
      expect(readdirSync(tmpRoot)).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      rmSync(tmpRoot, { recursive: true, force: true });
    }
  });
});
