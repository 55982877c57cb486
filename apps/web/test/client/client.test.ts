import { OrreryClient, OrreryClientError } from "@orrery/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type DevServer, startDevServer } from "../../../worker/e2e/dev-server";
import { api } from "../../src/api";
import type { Task } from "../../src/tasks/optimistic";
import { callFunction } from "../http";
import { freshNamespace } from "../namespace";
import { signInAs, USER } from "../sign-in";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => server?.stop(), 30_000);

/** `ws` sockets that remember themselves, so a test can kill a client's connection. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(this);
  }
}

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  sockets.length = 0;
});

function connect(namespace: string): OrreryClient {
  const client = new OrreryClient(server.url, {
    namespace,
    WebSocket: TrackedWebSocket,
    // Reconnect quickly: the test waits for it.
    reconnect: { minDelayMs: 100, maxDelayMs: 1_000 },
  });
  // Every client is the same user: tasks are per user.
  signInAs(client, server.url);
  clients.push(client);
  return client;
}

/** Watches a list and hands back what the client shows for it now. */
function watchList(client: OrreryClient, list: string) {
  client.watchQuery(api.tasks.list, { list }, () => {});
  return () => {
    const result = client.queryResult(api.tasks.list, { list });
    return result?.status === "value" ? result.value.map((task) => task.text) : result;
  };
}

describe("@orrery/client in Node against the real worker", () => {
  it("a live query sees another client's mutation; a mutation resolves with its writes shown", async () => {
    const namespace = freshNamespace("client-roundtrip");
    const [watcher, writer] = [connect(namespace), connect(namespace)];
    const watched = watchList(watcher, "inbox");
    await expect.poll(watched).toEqual([]);

    const id = await writer.mutation(api.tasks.add, { list: "inbox", text: "  milk  " });
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    await expect.poll(watched).toEqual(["milk"]);
    // Read your own writes: one-shot queries after the mutation see it, over the socket.
    expect(await writer.query(api.tasks.list, { list: "inbox" })).toEqual([
      expect.objectContaining({ _id: id, text: "milk", done: false }),
    ]);
    // int64 values arrive as bigints.
    await writer.mutation(api.counters.increment, { name: "n", by: 2 });
    expect(await watcher.query(api.counters.get, { name: "n" })).toBe(2n);
  });

  it("an optimistic update shows at once and settles at the server's result", async () => {
    const namespace = freshNamespace("client-optimistic");
    const client = connect(namespace);
    const shown = watchList(client, "inbox");
    await expect.poll(shown).toEqual([]);

    const done = client.mutation(
      api.tasks.add,
      { list: "inbox", text: "  eggs  " },
      {
        optimisticUpdate: (store, args) => {
          const tasks = store.getQuery(api.tasks.list, { list: args.list }) ?? [];
          const guess = { ...placeholderTask, list: args.list, text: `${args.text} (guess)` };
          store.setQuery(api.tasks.list, { list: args.list }, [...tasks, guess]);
        },
      },
    );
    // Synchronously, before any answer: the guess.
    expect(shown()).toEqual(["  eggs   (guess)"]);
    const id = await done;
    // Settled: the server trimmed the text, and the guess is gone.
    expect(shown()).toEqual(["eggs"]);
    expect(await client.query(api.tasks.list, { list: "inbox" })).toEqual([
      expect.objectContaining({ _id: id }),
    ]);
  });

  it("a mutation the server refuses rejects with its code and rolls its update back", async () => {
    const namespace = freshNamespace("client-rollback");
    const client = connect(namespace);
    const shown = watchList(client, "inbox");
    await client.mutation(api.tasks.add, { list: "inbox", text: "kept" });
    await expect.poll(shown).toEqual(["kept"]);

    const failed = client.mutation(
      api.tasks.add,
      { list: "inbox", text: "   " },
      {
        optimisticUpdate: (store, args) =>
          store.setQuery(api.tasks.list, { list: args.list }, [
            { ...placeholderTask, list: args.list, text: "blank" },
          ]),
      },
    );
    expect(shown()).toEqual(["blank"]);
    const error = await failed.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OrreryClientError);
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT", message: "args.text: a task needs some text" });
    expect(shown()).toEqual(["kept"]);
    expect(client.connectionState()).toEqual({ state: "open", pendingMutations: 0 });
  });

  it("after its socket dies, the client reconnects, re-subscribes and sees later writes", async () => {
    const namespace = freshNamespace("client-reconnect");
    const client = connect(namespace);
    const states: string[] = [];
    client.subscribeToConnectionState(() => states.push(client.connectionState().state));
    const shown = watchList(client, "inbox");
    await expect.poll(shown).toEqual([]);
    expect(sockets).toHaveLength(1);

    sockets[0]!.terminate();
    // A write while the client is away, and one after it is back: both must show.
    await callFunction(server.url, namespace, "mutations", "tasks:add", {
      list: "inbox",
      text: "while away",
    });
    await expect.poll(() => client.connectionState().state).toBe("open");
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(states).toContain("closed");
    await expect.poll(shown).toEqual(["while away"]);
    await callFunction(server.url, namespace, "mutations", "tasks:add", { list: "inbox", text: "after" });
    await expect.poll(shown).toEqual(["while away", "after"]);
  });

  it("an action's failure is an OrreryClientError with the server's message", async () => {
    const client = connect(freshNamespace("client-action"));
    await expect(client.action(api.orders.importLegacy, { customer: "acme" })).rejects.toMatchObject({
      name: "OrreryClientError",
      message: expect.stringContaining("needs a Hyperdrive backend"),
    });
  });
});

/** A stand-in task for optimistic rows; only the fields the tests read matter. */
const placeholderTask: Task = {
  // Branded as a task id; it stands in for the one the server will assign.
  _id: "optimistic" as Task["_id"],
  _creationTime: 0,
  _version: 0,
  owner: USER,
  list: "",
  text: "",
  done: false,
};
