import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SocketClient, updateFor } from "./socket-client";

/**
 * A transition's version and hashes are written within 500 ms (`PROGRESS_FLUSH_MS`), and the
 * runtime does not hibernate an object whose timer is pending: wait that out before evicting,
 * as hibernation would.
 */
const flushed = () => new Promise((resolve) => setTimeout(resolve, 800));

describe("hibernation", () => {
  it("subscriptions survive an eviction of the Durable Object and the next transition is right", async () => {
    const namespace = `hib-${crypto.randomUUID()}`;
    const [watcher, writer] = await Promise.all([
      SocketClient.open(namespace, { as: "ada" }),
      SocketClient.open(namespace, { as: "ada" }),
    ]);
    await watcher.subscribe("groceries", "tasks:list", { list: "groceries" });
    await watcher.subscribe("chores", "tasks:list", { list: "chores" });
    const first = await writer.mutate("m1", "tasks:add", { list: "groceries", text: "eggs" });
    const before = await watcher.next((m) => m.type === "transition");
    expect(before.toVersion).toBe(first.commitVersion);

    // Evict: in-memory state (subscription index, store, caches) is gone; sockets hibernate.
    await flushed();
    await evictDurableObject(env.GLOBAL_STORE.getByName(namespace), { webSockets: "hibernate" });

    const second = await writer.mutate("m2", "tasks:add", { list: "groceries", text: "bread" });
    expect(second).toMatchObject({ ok: true, commitVersion: (first.commitVersion as number) + 1 });
    const after = await watcher.next((m) => m.type === "transition");
    // Resumes from the version it held; only the result that changed is sent.
    expect(after.fromVersion).toBe(before.toVersion);
    expect(after.toVersion).toBe(second.commitVersion);
    expect((after.updates as { id: string }[]).map((u) => u.id)).toEqual(["groceries"]);
    expect((updateFor(after, "groceries") as { text: string }[]).map((t) => t.text)).toEqual([
      "eggs",
      "bread",
    ]);

    // The restored subscription is live again: a further write reaches it exactly once.
    await writer.mutate("m3", "tasks:add", { list: "chores", text: "sweep" });
    const third = await watcher.next((m) => m.type === "transition");
    expect((third.updates as { id: string }[]).map((u) => u.id)).toEqual(["chores"]);
    await Promise.all([watcher.close(), writer.close()]);
  });

  it("an eviction that cut the progress flush short sends every result again rather than trust a hash", async () => {
    const namespace = `hib-cut-${crypto.randomUUID()}`;
    const [watcher, writer] = await Promise.all([
      SocketClient.open(namespace, { as: "ada" }),
      SocketClient.open(namespace, { as: "ada" }),
    ]);
    await watcher.subscribe("groceries", "tasks:list", { list: "groceries" });
    await watcher.subscribe("chores", "tasks:list", { list: "chores" });
    await writer.mutate("m1", "tasks:add", { list: "groceries", text: "eggs" });
    const before = await watcher.next((m) => m.type === "transition");
    await flushed();
    // An eviction between a transition and its flush leaves the marker behind (set here, since
    // the window is too short to evict inside it on purpose); the saved hashes may be older
    // than what the client holds.
    const stub = env.GLOBAL_STORE.getByName(namespace);
    await runInDurableObject(stub, (_instance, state) =>
      state.storage.kv.put("orrery:connections-unflushed", true),
    );
    await evictDurableObject(stub, { webSockets: "hibernate" });

    const second = await writer.mutate("m2", "tasks:add", { list: "chores", text: "sweep" });
    const after = await watcher.next((m) => m.type === "transition");
    expect(after.toVersion).toBe(second.commitVersion);
    expect(after.fromVersion as number).toBeLessThanOrEqual(before.toVersion as number);
    // Both results: the one that changed, and the one whose saved hash is no longer trusted.
    expect((after.updates as { id: string }[]).map((u) => u.id).sort()).toEqual(["chores", "groceries"]);
    expect((updateFor(after, "groceries") as { text: string }[]).map((t) => t.text)).toEqual(["eggs"]);
    expect((updateFor(after, "chores") as { text: string }[]).map((t) => t.text)).toEqual(["sweep"]);
    await Promise.all([watcher.close(), writer.close()]);
  });
});
