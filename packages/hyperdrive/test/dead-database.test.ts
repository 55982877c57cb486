import { Store } from "@orrery/store";
import { getFreePort } from "@orrery/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHyperdriveGlobalCtxDb } from "../src/global";
import { mysqlUrl, pgUrl } from "./databases";
import { type DriverExec, driverExec } from "./driver-exec";
import { appSchema, drivers, openSplitStore, type SplitStore } from "./fixtures";
import { createTcpProxy, type TcpProxy } from "./tcp-proxy";

/** Resolves to the rejection, or fails the test when `promise` neither settles within `ms`. */
async function rejectionWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms: a hang`)), ms);
  });
  try {
    const value = await Promise.race([promise, timeout]);
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof Error && /still pending|expected a rejection/.test(error.message)) throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
}

describe.each(drivers)("a dead .global() database on %s", (driver) => {
  let split: SplitStore;
  let proxy: TcpProxy;
  let proxied: DriverExec;

  beforeAll(async () => {
    split = await openSplitStore(driver);
    const url = new URL(driver === "mysql2" ? mysqlUrl() : pgUrl());
    proxy = await createTcpProxy(url.hostname, Number(url.port));
    proxied = await driverExec(driver, split.global.name, proxy.port);
  });
  afterAll(async () => {
    await proxied.end();
    await proxy.close();
    await split.end();
  });

  it("a mutation rejects with an error (no hang), applies nothing, and succeeds once the server is back", async () => {
    const backend = createHyperdriveGlobalCtxDb({
      engine: split.backend.engine,
      exec: proxied.exec,
      schema: appSchema,
    });
    const store = await Store.open({
      schema: appSchema,
      namespace: `dead-${driver}`,
      exec: split.home.exec,
      globalExec: backend.exec,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    const { value: id } = await store.mutate((db) => db.insert("counters", { name: "c", value: 1n }));
    const versionBefore = store.version;

    // The server dies after the handler has read, right before the commit.
    const error = await rejectionWithin(
      store.mutate(async (db) => {
        const counter = await db.get("counters", id);
        await db.insert("notes", { body: "must not land" });
        await db.patch("counters", id, { value: (counter?.value ?? 0n) + 1n });
        proxy.mode = "blackhole";
        proxy.cut();
      }),
      15_000,
    );
    expect(error).toBeInstanceOf(Error);
    expect(store.version).toBe(versionBefore);
    expect(await store.commitsSince(versionBefore)).toEqual([]);
    const q = split.home.exec.dialect.quote;
    const notes = await split.home.exec.run({ sql: `SELECT * FROM ${q("notes")}`, params: [] });
    expect(notes.rows).toEqual([]);
    const direct = await split.global.external.run({
      sql: `SELECT ${q("value")}, ${q("_version")} FROM ${q("counters")}`,
      params: [],
    });
    expect(direct.rows.map((r) => [String(r.value), Number(r._version)])).toEqual([["1", 1]]);

    // Reads fail fast too while it is down.
    await rejectionWithin(
      store.query((db) => db.get("counters", id)),
      15_000,
    );

    proxy.mode = "forward";
    const outcome = await store.mutate(async (db) => {
      const counter = await db.get("counters", id);
      await db.patch("counters", id, { value: (counter?.value ?? 0n) + 1n });
    });
    expect(outcome.commitVersion).toBe(versionBefore + 1);
    expect((await store.query((db) => db.get("counters", id))).value).toMatchObject({
      value: 2n,
      _version: 2,
    });
  });

  it("a server that is not there at all: building the exec or opening the store rejects quickly", async () => {
    const port = await getFreePort();
    const start = Date.now();
    if (driver === "mysql2") {
      // buildMysqlExec connects once for the FOUND_ROWS check.
      await rejectionWithin(driverExec(driver, split.global.name, port), 15_000);
    } else {
      const dead = await driverExec(driver, split.global.name, port);
      try {
        await rejectionWithin(
          Store.open({ schema: appSchema, namespace: "nowhere", exec: dead.exec }),
          15_000,
        );
      } finally {
        await dead.end();
      }
    }
    expect(Date.now() - start).toBeLessThan(10_000);
  });
});
