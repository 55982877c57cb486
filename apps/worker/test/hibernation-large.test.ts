import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SocketClient, updateFor } from "./socket-client";

describe("hibernation with many subscriptions", () => {
  it("keeps subscriptions whose state outgrows a WebSocket attachment", async () => {
    const namespace = `hib-big-${crypto.randomUUID()}`;
    const [watcher, writer] = await Promise.all([
      SocketClient.open(namespace, { as: "ada" }),
      SocketClient.open(namespace, { as: "ada" }),
    ]);
    const lists = Array.from({ length: 12 }, (_, i) => `list-${i}-${"x".repeat(4000)}`);
    for (const [i, list] of lists.entries()) await watcher.subscribe(`q${i}`, "tasks:list", { list });
    // The first results' hashes are written within 500 ms; hibernation waits for that timer.
    await new Promise((resolve) => setTimeout(resolve, 800));
    await evictDurableObject(env.GLOBAL_STORE.getByName(namespace), { webSockets: "hibernate" });
    await writer.mutate("m", "tasks:add", { list: lists[11], text: "last one" });
    const transition = await watcher.next((m) => m.type === "transition");
    expect((transition.updates as { id: string }[]).map((u) => u.id)).toEqual(["q11"]);
    expect(updateFor(transition, "q11")).toMatchObject([{ text: "last one" }]);
    await Promise.all([watcher.close(), writer.close()]);
  });
});
