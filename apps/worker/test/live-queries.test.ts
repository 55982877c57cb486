import { describe, expect, it } from "vitest";
import { hasUpdate, SocketClient, updateFor } from "./socket-client";

const ns = () => `live-${crypto.randomUUID()}`;
const texts = (value: unknown) => (value as { text: string }[]).map((t) => t.text);

describe("live queries over WebSockets", () => {
  it("a subscriber sees another client's tasks:add arrive, and the writer reads its own write", async () => {
    const namespace = ns();
    const [watcher, writer] = await Promise.all([
      SocketClient.open(namespace, { as: "ada" }),
      SocketClient.open(namespace, { as: "ada" }),
    ]);
    expect(await watcher.subscribe("q1", "tasks:list", { list: "groceries" })).toEqual([]);
    expect(await writer.subscribe("mine", "tasks:list", { list: "groceries" })).toEqual([]);

    const result = await writer.mutate("m1", "tasks:add", { list: "groceries", text: "milk" });
    expect(result).toMatchObject({ type: "mutationResult", ok: true, value: expect.any(String) });
    const commitVersion = result.commitVersion as number;

    // Read your own writes: the result comes first, then the commit's transition, which
    // already holds the write; nothing of an older version follows it.
    const own = await writer.next((m) => m.type === "transition");
    expect(own.toVersion).toBe(commitVersion);
    expect(texts(updateFor(own, "mine"))).toEqual(["milk"]);

    const seen = await watcher.next((m) => m.type === "transition");
    expect(texts(updateFor(seen, "q1"))).toEqual(["milk"]);
    expect(seen.toVersion).toBe(commitVersion);
    expect(seen.fromVersion as number).toBeLessThan(commitVersion);
    await Promise.all([watcher.close(), writer.close()]);
  });

  it("a write to another list sends nothing to a subscriber of this list", async () => {
    const namespace = ns();
    const [watcher, writer] = await Promise.all([
      SocketClient.open(namespace, { as: "ada" }),
      SocketClient.open(namespace, { as: "ada" }),
    ]);
    await watcher.subscribe("q", "tasks:list", { list: "a" });
    await writer.mutate("m", "tasks:add", { list: "b", text: "elsewhere" });
    await watcher.settle();
    expect(watcher.pending()).toEqual([]);
    await writer.mutate("m2", "tasks:add", { list: "a", text: "here" });
    const transition = await watcher.next((m) => m.type === "transition");
    expect(texts(updateFor(transition, "q"))).toEqual(["here"]);
    await Promise.all([watcher.close(), writer.close()]);
  });

  it("transitions carry only changed results and never go backwards", async () => {
    const namespace = ns();
    const client = await SocketClient.open(namespace, { as: "ada" });
    await client.subscribe("a", "tasks:list", { list: "a" });
    await client.subscribe("c", "counters:get", { name: "c" });
    const versions: number[] = [];
    for (let i = 0; i < 3; i++) {
      await client.mutate(`inc${i}`, "counters:increment", { name: "c" });
    }
    await client.settle();
    for (const message of client.pending()) {
      if (message.type !== "transition") continue;
      versions.push(message.toVersion as number);
      expect((message.updates as { id: string }[]).map((u) => u.id)).not.toContain("a");
    }
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(new Set(versions).size).toBe(versions.length);
    await client.close();
  });

  it("many concurrent counters:increment from several sockets lose no increment", async () => {
    const namespace = ns();
    const clients = await Promise.all(
      Array.from({ length: 4 }, () => SocketClient.open(namespace, { as: "ada" })),
    );
    await clients[0]!.subscribe("count", "counters:get", { name: "hits" });
    const results = await Promise.all(
      clients.flatMap((client, c) =>
        Array.from({ length: 10 }, (_, i) =>
          client.mutate(`c${c}-${i}`, "counters:increment", { name: "hits", by: 1 }),
        ),
      ),
    );
    expect(results.every((r) => r.ok === true)).toBe(true);
    expect(new Set(results.map((r) => r.commitVersion)).size).toBe(40);
    const last = await clients[0]!.next(
      (m) =>
        m.type === "transition" &&
        (m.toVersion as number) === Math.max(...results.map((r) => r.commitVersion as number)),
    );
    expect(updateFor(last, "count")).toEqual({ $int64: "40" });
    await Promise.all(clients.map((c) => c.close()));
  });

  it("a repeated requestId runs once and is answered with the first result", async () => {
    const client = await SocketClient.open(ns(), { as: "ada" });
    const first = await client.mutate("same", "counters:increment", { name: "once" });
    const again = await client.mutate("same", "counters:increment", { name: "once" });
    expect(again).toEqual(first);
    expect(first.value).toEqual({ $int64: "1" });
    expect(await client.subscribe("q", "counters:get", { name: "once" })).toEqual({ $int64: "1" });
    await client.close();
  });

  it("two namespaces never see each other's rows", async () => {
    const [north, south] = await Promise.all([
      SocketClient.open(ns(), { as: "ada" }),
      SocketClient.open(ns(), { as: "ada" }),
    ]);
    await north.mutate("n", "tasks:add", { list: "shared-name", text: "north only" });
    await north.mutate("o", "orders:upsert", { customer: "acme", total: 10, status: "open" });
    expect(await south.subscribe("t", "tasks:list", { list: "shared-name" })).toEqual([]);
    expect(await south.subscribe("o", "orders:byCustomer", { customer: "acme" })).toEqual([]);
    expect(texts(await north.subscribe("t", "tasks:list", { list: "shared-name" }))).toEqual(["north only"]);
    expect(await north.subscribe("o", "orders:byCustomer", { customer: "acme" })).toMatchObject([
      { total: 10 },
    ]);
    await Promise.all([north.close(), south.close()]);
  });

  it("a client cannot choose its connection's id: two sockets sending the same _pk each keep their own subscriptions", async () => {
    const namespace = ns();
    const first = await SocketClient.open(namespace, { query: "?_pk=chosen", as: "ada" });
    const second = await SocketClient.open(namespace, { query: "?_pk=chosen", as: "ada" });
    expect(await first.subscribe("mine", "tasks:list", { list: "a" })).toEqual([]);
    expect(await second.subscribe("mine", "tasks:list", { list: "b" })).toEqual([]);
    await first.mutate("m1", "tasks:add", { list: "a", text: "for the first" });
    await second.mutate("m2", "tasks:add", { list: "b", text: "for the second" });
    const seen = async (client: SocketClient) =>
      texts(updateFor(await client.next((m) => m.type === "transition" && hasUpdate(m, "mine")), "mine"));
    expect(await seen(first)).toEqual(["for the first"]);
    expect(await seen(second)).toEqual(["for the second"]);
    await Promise.all([first.close(), second.close()]);
  });
});
