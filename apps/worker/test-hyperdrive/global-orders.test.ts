import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { SocketClient, updateFor } from "../test/socket-client";
import { databaseDown, databaseUp, direct, engine, placeholder, quote } from "./database";

const unique = () => crypto.randomUUID().slice(0, 8);

interface OrderRow {
  _id: string;
  _namespace: string;
  _version: string | number;
  _creationTime: number;
  customer: string;
  total: number;
  status: string;
  legacyId: string | null;
}

/** The `orders` rows of a namespace, straight from the database. */
function storedOrders(namespace: string): Promise<OrderRow[]> {
  return direct<OrderRow>(
    `SELECT * FROM ${quote("orders")} WHERE ${quote("_namespace")} = ${placeholder(1)} ORDER BY ${quote("_id")}`,
    [namespace],
  );
}

afterEach(() => databaseUp());

describe(`.global() orders on ${engine()} through Hyperdrive`, () => {
  it("a subscriber of orders:byCustomer sees an orders:upsert arrive; the row is in the database, one column per field", async () => {
    const namespace = `live-${unique()}`;
    const [watcher, writer] = await Promise.all([SocketClient.open(namespace), SocketClient.open(namespace)]);
    expect(await watcher.subscribe("o", "orders:byCustomer", { customer: "acme" })).toEqual([]);
    const result = await writer.mutate("m1", "orders:upsert", {
      customer: "acme",
      total: 12.5,
      status: "open",
    });
    expect(result).toMatchObject({ ok: true, value: expect.any(String) });
    const id = result.value as string;
    const seen = await watcher.next((m) => m.type === "transition");
    expect(seen.toVersion).toBe(result.commitVersion);
    expect(updateFor(seen, "o")).toEqual([
      {
        _id: id,
        _creationTime: expect.any(Number),
        _version: 1,
        customer: "acme",
        total: 12.5,
        status: "open",
      },
    ]);

    const rows = await storedOrders(namespace);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect({ ...row, _version: Number(row?._version) }).toEqual({
      _id: id,
      _namespace: namespace,
      _version: 1,
      _creationTime: expect.any(Number),
      customer: "acme",
      total: 12.5,
      status: "open",
      legacyId: null,
    });
    await Promise.all([watcher.close(), writer.close()]);
  });

  it("after a simulated hibernation the Durable Object connects again and the next write succeeds", async () => {
    const namespace = `hib-${unique()}`;
    const [watcher, writer] = await Promise.all([SocketClient.open(namespace), SocketClient.open(namespace)]);
    await watcher.subscribe("o", "orders:byCustomer", { customer: "zed" });
    const first = await writer.mutate("m1", "orders:upsert", { customer: "zed", total: 1, status: "open" });
    await watcher.next((m) => m.type === "transition");

    // Evict as hibernation would: that waits until the DO's idle database connections closed
    // (the driver's idle timeout), then drops the instance with its driver.
    await evictDurableObject(env.GLOBAL_STORE.getByName(namespace), { webSockets: "hibernate" });

    const second = await writer.mutate("m2", "orders:upsert", {
      id: first.value,
      customer: "zed",
      total: 2,
      status: "paid",
    });
    expect(second).toMatchObject({ ok: true, commitVersion: (first.commitVersion as number) + 1 });
    const after = await watcher.next((m) => m.type === "transition");
    expect(updateFor(after, "o")).toMatchObject([
      { _id: first.value, total: 2, status: "paid", _version: 2 },
    ]);
    expect(await storedOrders(namespace)).toMatchObject([{ total: 2, status: "paid" }]);
    await Promise.all([watcher.close(), writer.close()]);
  });

  it("with the database gone a mutation fails as UNAVAILABLE naming it, writes nothing, and works once it is back", async () => {
    const namespace = `down-${unique()}`;
    const [watcher, writer] = await Promise.all([SocketClient.open(namespace), SocketClient.open(namespace)]);
    await watcher.subscribe("o", "orders:byCustomer", { customer: "kim" });
    const first = await writer.mutate("m1", "orders:upsert", { customer: "kim", total: 5, status: "open" });
    expect(first).toMatchObject({ ok: true });
    await watcher.next((m) => m.type === "transition");

    await databaseDown();
    // The driver keeps trying to connect until its connect timeout (5 s), then gives up.
    writer.send({
      type: "mutate",
      requestId: "m2",
      mutation: "orders:upsert",
      args: { customer: "kim", total: 6, status: "open" },
    });
    const failed = await writer.next((m) => m.type === "mutationResult" && m.requestId === "m2", 20_000);
    const binding = engine() === "postgres" ? "HYPERDRIVE_PG" : "HYPERDRIVE_MYSQL";
    expect(failed).toMatchObject({
      ok: false,
      error: { code: "UNAVAILABLE", message: expect.stringContaining(`Hyperdrive binding "${binding}"`) },
    });
    // Over HTTP too, with a 503.
    const overHttp = await exports.default.fetch(
      `http://orrery.test/api/${namespace}/mutations/orders:upsert`,
      {
        method: "POST",
        body: JSON.stringify({ customer: "kim", total: 7, status: "open" }),
      },
    );
    expect(overHttp.status).toBe(503);
    expect(await overHttp.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });
    // Nothing half-applied: the database holds the first order only, and no transition was sent.
    expect((await storedOrders(namespace)).map((r) => r.total)).toEqual([5]);
    await watcher.settle();
    expect(watcher.pending()).toEqual([]);

    await databaseUp();
    const again = await writer.mutate("m3", "orders:upsert", { customer: "kim", total: 6, status: "open" });
    // The failed attempts took no commit version.
    expect(again).toMatchObject({ ok: true, commitVersion: (first.commitVersion as number) + 1 });
    const arrived = await watcher.next((m) => m.type === "transition");
    expect((updateFor(arrived, "o") as { total: number }[]).map((o) => o.total).sort()).toEqual([5, 6]);
    expect((await storedOrders(namespace)).map((r) => r.total).sort()).toEqual([5, 6]);
    await Promise.all([watcher.close(), writer.close()]);
  });
});
