import {
  GuardFailedError,
  NotSentError,
  OrreryError,
  postgresDialect,
  type SqlExec,
  type SqlResult,
} from "@orrery/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectionError, type LazyExec, lazyExec } from "../src/global";
import { mysqlUrl, pgUrl } from "./databases";
import { type DriverExec, driverExec } from "./driver-exec";
import { drivers } from "./fixtures";
import { createTcpProxy, type TcpProxy } from "./tcp-proxy";

const ok: SqlResult = { rows: [{ one: 1 }], rowsAffected: 1 };
const statement = { sql: "SELECT 1", params: [] };

/** An exec whose next statements fail with the queued errors, then succeed. */
function fakeExec(failures: unknown[]): SqlExec & { calls: number } {
  const exec = {
    engine: "postgres" as const,
    dialect: postgresDialect,
    calls: 0,
    async run() {
      exec.calls++;
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return ok;
    },
    async batch() {
      exec.calls++;
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return [ok];
    },
  };
  return exec;
}

function counted(failures: unknown[]): { lazy: LazyExec<number>; disposed: number[] } {
  const disposed: number[] = [];
  let n = 0;
  const lazy = lazyExec<number>({
    engine: "postgres",
    label: 'Postgres (Hyperdrive binding "HYPERDRIVE_PG")',
    async build() {
      const id = ++n;
      return { exec: fakeExec(failures), value: id, dispose: () => void disposed.push(id) };
    },
  });
  return { lazy, disposed };
}

describe("lazyExec", () => {
  it("says a batch whose build failed was never sent, keeping the build's own code (a database behind its migrations)", async () => {
    const behind = new OrreryError("UNAVAILABLE", "Postgres is at 0001_init; 0002_next is pending");
    const lazy = lazyExec({
      engine: "postgres",
      label: "Postgres",
      build: async () => {
        throw behind;
      },
    });
    const failure = lazy.batch([statement]);
    await expect(failure).rejects.toBeInstanceOf(NotSentError);
    await expect(failure).rejects.toMatchObject({ code: "UNAVAILABLE", message: behind.message });
  });

  it("says a batch that could not connect was never sent, and leaves one that lost its connection open", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const pgTimeout = Object.assign(new Error("write CONNECT_TIMEOUT"), { code: "CONNECT_TIMEOUT" });
    const mysqlTimeout = Object.assign(new Error("connect ETIMEDOUT"), {
      code: "ETIMEDOUT",
      syscall: "connect",
    });
    const workerdRefused = Object.assign(new Error("could not connect to 127.0.0.1:5432"), {
      code: "CONNECT_FAILED",
    });
    const shuttingDown = Object.assign(new Error("the database system is shutting down"), {
      code: "57P03",
      severity: "FATAL",
    });
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const readTimeout = Object.assign(new Error("read ETIMEDOUT"), { code: "ETIMEDOUT", syscall: "read" });
    const { lazy } = counted([
      refused,
      pgTimeout,
      mysqlTimeout,
      workerdRefused,
      shuttingDown,
      reset,
      readTimeout,
    ]);
    for (let i = 0; i < 5; i++) await expect(lazy.batch([statement])).rejects.toBeInstanceOf(NotSentError);
    for (let i = 0; i < 2; i++) {
      const failure = lazy.batch([statement]);
      await expect(failure).rejects.toMatchObject({ code: "UNAVAILABLE" });
      await expect(failure).rejects.not.toBeInstanceOf(NotSentError);
    }
  });

  it("builds nothing until used, then builds once for concurrent callers and keeps the build", async () => {
    const { lazy } = counted([]);
    expect(lazy.builds).toBe(0);
    expect(lazy.engine).toBe("postgres");
    expect(lazy.dialect.placeholder(1)).toBe("$1");
    await Promise.all([lazy.run(statement), lazy.run(statement), lazy.batch([statement])]);
    expect(lazy.builds).toBe(1);
    expect(await lazy.use(async (id) => id)).toBe(1);
  });

  it("a connection error rejects as UNAVAILABLE naming the database, drops the build, and the next use rebuilds", async () => {
    const lost = Object.assign(new Error("write CONNECTION_CLOSED"), { code: "CONNECTION_CLOSED" });
    const { lazy, disposed } = counted([lost]);
    const error = await lazy.batch([statement]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrreryError);
    expect(error).toMatchObject({ code: "UNAVAILABLE" });
    expect((error as Error).message).toContain(
      'Postgres (Hyperdrive binding "HYPERDRIVE_PG") is unavailable',
    );
    expect((error as Error).message).toContain("CONNECTION_CLOSED");
    await Promise.resolve();
    expect(disposed).toEqual([1]);
    await lazy.run(statement);
    expect(lazy.builds).toBe(2);
    expect(await lazy.use(async (id) => id)).toBe(2);
  });

  it("a guard miss, an OrreryError or a server error on a statement keeps the build", async () => {
    const serverError = Object.assign(new Error('relation "nope" does not exist'), {
      severity: "ERROR",
      code: "42P01",
    });
    const duplicate = Object.assign(new Error("Duplicate entry"), {
      code: "ER_DUP_ENTRY",
      sqlState: "23000",
    });
    const { lazy } = counted([
      new GuardFailedError(0, 0),
      new OrreryError("INVALID_ARGUMENT", "bad"),
      serverError,
      duplicate,
    ]);
    await expect(lazy.batch([statement])).rejects.toBeInstanceOf(GuardFailedError);
    await expect(lazy.run(statement)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(lazy.run(statement)).rejects.toBe(serverError);
    await expect(lazy.run(statement)).rejects.toBe(duplicate);
    await lazy.run(statement);
    expect(lazy.builds).toBe(1);
  });

  it("a failed build is not kept: the error is UNAVAILABLE when it is a connection error, and the next use tries again", async () => {
    let attempts = 0;
    const lazy = lazyExec({
      engine: "mysql",
      label: 'MySQL (Hyperdrive binding "HYPERDRIVE_MYSQL")',
      async build() {
        attempts++;
        if (attempts === 1) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
        if (attempts === 2) throw new OrreryError("INTERNAL", "FOUND_ROWS is off");
        return { exec: fakeExec([]), value: undefined };
      },
    });
    expect(lazy.dialect.placeholder(1)).toBe("?");
    await expect(lazy.run(statement)).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringContaining("ECONNREFUSED"),
    });
    await expect(lazy.run(statement)).rejects.toMatchObject({
      code: "INTERNAL",
      message: "FOUND_ROWS is off",
    });
    await lazy.run(statement);
    expect([attempts, lazy.builds]).toEqual([3, 1]);
  });

  it("with idleTimeoutMs, an idle build is disposed and the next use builds again", async () => {
    const disposed: number[] = [];
    let n = 0;
    const lazy = lazyExec<number>({
      engine: "postgres",
      label: "idle test",
      idleTimeoutMs: 20,
      async build() {
        const id = ++n;
        return { exec: fakeExec([]), value: id, dispose: () => void disposed.push(id) };
      },
    });
    await lazy.run(statement);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await lazy.run(statement);
    expect(disposed).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(disposed).toEqual([1]);
    expect(await lazy.use(async (id) => id)).toBe(2);
  });

  it("reset drops the build", async () => {
    const { lazy, disposed } = counted([]);
    await lazy.run(statement);
    lazy.reset();
    await lazy.run(statement);
    expect(lazy.builds).toBe(2);
    expect(disposed).toEqual([1]);
  });

  it("isConnectionError tells broken connections from statement verdicts", () => {
    const fatal = Object.assign(new Error("Connection lost"), {
      code: "PROTOCOL_CONNECTION_LOST",
      fatal: true,
    });
    const adminShutdown = Object.assign(new Error("terminating connection"), {
      severity: "FATAL",
      code: "57P01",
    });
    expect(isConnectionError(fatal)).toBe(true);
    expect(isConnectionError(adminShutdown)).toBe(true);
    expect(isConnectionError(new Error("Network connection lost."))).toBe(true);
    expect(isConnectionError(new GuardFailedError(1, 0))).toBe(false);
  });
});

describe.each(drivers)("lazyExec over a real %s connection that breaks", (driver) => {
  let proxy: TcpProxy;
  const opened: DriverExec[] = [];

  beforeAll(async () => {
    const url = new URL(driver === "mysql2" ? mysqlUrl() : pgUrl());
    proxy = await createTcpProxy(url.hostname, Number(url.port));
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.end()));
    await proxy.close();
  });

  it("fails fast with UNAVAILABLE while the server is cut off, then rebuilds and works", async () => {
    const database = driver === "mysql2" ? new URL(mysqlUrl()).pathname.slice(1) : "public";
    const lazy = lazyExec({
      engine: driver === "mysql2" ? "mysql" : "postgres",
      label: `${driver} test database`,
      async build() {
        const built = await driverExec(driver, database, proxy.port);
        opened.push(built);
        return { exec: built.exec, value: undefined };
      },
    });
    const value = async (n: number) => {
      const { rows } = await lazy.run({ sql: `SELECT ${n} AS n`, params: [] });
      return String(rows[0]?.n);
    };
    expect(await value(1)).toBe("1");
    proxy.mode = "blackhole";
    proxy.cut();
    await expect(value(2)).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringContaining(`${driver} test database is unavailable`),
    });
    proxy.mode = "forward";
    expect(await value(3)).toBe("3");
    expect(lazy.builds).toBe(2);
  });
});
