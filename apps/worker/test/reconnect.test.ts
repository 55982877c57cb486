import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { GlobalStore } from "../src/index";
import { SocketClient, updateFor } from "./socket-client";

const LISTS = 200;
const ids = Array.from({ length: LISTS }, (_, i) => `l${i}`);
type Update = { id: string; value?: unknown; error?: unknown; hash: string };

/** Subscribes `tasks:list` over every list (with the hashes held, if any) and waits for all of it. */
async function subscribeAll(client: SocketClient, held: Map<string, string> | null) {
  for (const id of ids) {
    const hash = held?.get(id);
    client.send({
      type: "subscribe",
      id,
      query: "tasks:list",
      args: { list: id },
      ...(hash ? { hash } : {}),
    });
  }
  // A barrier: subscriptions run one after another, so once this one's first result is here,
  // every subscription before it has been answered (or, its result unchanged, skipped).
  client.send({ type: "subscribe", id: "barrier", query: "counters:get", args: { name: "barrier" } });
  const transitions = [];
  for (;;) {
    const transition = await client.next((m) => m.type === "transition");
    transitions.push(transition);
    if ((transition.updates as Update[]).some((u) => u.id === "barrier")) break;
  }
  const updates = transitions.flatMap((t) => (t.updates as Update[]).filter((u) => u.id !== "barrier"));
  return {
    updates,
    /** Bytes of results sent for the 200 lists: what a reconnect must not pay again. */
    resultBytes: updates.reduce((sum, u) => sum + JSON.stringify(u.value ?? u.error).length, 0),
    /** Transitions besides the barrier's own. */
    transitions: transitions.length - 1,
    hashes: new Map(updates.map((u) => [u.id, u.hash])),
  };
}

describe("reconnecting", () => {
  it("a reconnect that sends the hashes it holds gets zero result bytes for unchanged subscriptions", async () => {
    const namespace = `reconnect-${crypto.randomUUID()}`;
    const writer = await SocketClient.open(namespace, { as: "ada" });
    for (const [i, id] of ids.entries())
      writer.send({
        type: "mutate",
        requestId: `seed${i}`,
        mutation: "tasks:add",
        args: { list: id, text: `task ${i}` },
      });
    for (const i of ids.keys())
      await writer.next((m) => m.type === "mutationResult" && m.requestId === `seed${i}`);

    const first = await SocketClient.open(namespace, { as: "ada" });
    const initial = await subscribeAll(first, null);
    expect(initial.updates).toHaveLength(LISTS);
    expect(initial.resultBytes).toBeGreaterThan(LISTS * 50);
    const held = initial.hashes;
    await first.close();

    // Nothing changed: the same 200 subscriptions with their hashes cost no result at all,
    // and at most one empty transition (to the current version).
    const second = await SocketClient.open(namespace, { as: "ada" });
    const resumed = await subscribeAll(second, held);
    expect(resumed.resultBytes).toBe(0);
    expect(resumed.updates).toEqual([]);
    expect(resumed.transitions).toBeLessThanOrEqual(1);
    await second.close();

    // One list changed while away: exactly its result is sent, with a new hash.
    await writer.mutate("change", "tasks:add", { list: "l7", text: "while you were away" });
    const third = await SocketClient.open(namespace, { as: "ada" });
    const changed = await subscribeAll(third, held);
    expect(changed.updates.map((u) => u.id)).toEqual(["l7"]);
    expect((changed.updates[0]!.value as { text: string }[]).map((t) => t.text)).toEqual([
      "task 7",
      "while you were away",
    ]);
    expect(changed.hashes.get("l7")).not.toBe(held.get("l7"));
    // The subscriptions resumed by hash are live: a later write reaches them.
    await writer.mutate("later", "tasks:add", { list: "l100", text: "later" });
    const live = await third.next((m) => m.type === "transition");
    expect((updateFor(live, "l100") as unknown[]).length).toBe(2);
    await third.close();

    // Without hashes (the behaviour before them), every one of the 200 results is sent again.
    const fourth = await SocketClient.open(namespace, { as: "ada" });
    const unhashed = await subscribeAll(fourth, null);
    expect(unhashed.updates).toHaveLength(LISTS);
    expect(unhashed.resultBytes).toBeGreaterThan(LISTS * 50);
    await Promise.all([fourth.close(), writer.close()]);
  });

  it("one bad socket does not cost everyone: a socket closed under a commit, the others still get it", async () => {
    const namespace = `bad-socket-${crypto.randomUUID()}`;
    // The victim subscribes first, so the commit sends to it before the others.
    const victim = await SocketClient.open(namespace, { as: "ada" });
    await victim.subscribe("victim", "tasks:list", { list: "a" });
    const others = await Promise.all([1, 2, 3].map(() => SocketClient.open(namespace, { as: "ada" })));
    for (const [i, other] of others.entries()) await other.subscribe(`q${i}`, "tasks:list", { list: "a" });

    const stub = env.GLOBAL_STORE.getByName(namespace);
    const outcome = await runInDurableObject(stub, async (instance: GlobalStore) => {
      // Closes the victim's server end, then commits before its close can be handled: the
      // server still counts it as connected, and a send to it throws.
      let sendThrew = false;
      for (const connection of instance.getConnections<{ subscriptions?: Record<string, unknown> }>()) {
        if (!connection.state?.subscriptions?.victim) continue;
        connection.close(1011, "closed under a commit");
        try {
          connection.send("{}");
        } catch {
          sendThrew = true;
        }
      }
      const result = await instance.call(
        "mutation",
        "tasks:add",
        { list: "a", text: "for everyone" },
        {
          subject: "ada",
        },
      );
      return { sendThrew, result };
    });
    expect(outcome.sendThrew).toBe(true);
    expect(outcome.result).toMatchObject({ ok: true });
    const commitVersion = (outcome.result as { commitVersion: number }).commitVersion;
    for (const [i, other] of others.entries()) {
      const transition = await other.next((m) => m.type === "transition");
      expect(transition.toVersion).toBe(commitVersion);
      expect(updateFor(transition, `q${i}`)).toMatchObject([{ text: "for everyone" }]);
    }
    // The namespace keeps serving: the next commit reaches everyone again.
    expect(await others[0]!.mutate("next", "tasks:add", { list: "a", text: "next" })).toMatchObject({
      ok: true,
    });
    for (const other of others) await other.next((m) => m.type === "transition");
    await Promise.all([victim.close(), ...others.map((other) => other.close())]);
  });
});
