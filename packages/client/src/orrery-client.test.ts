import { functionReference } from "@orrery/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrreryClientError } from "./client-error";
import type { ConnectionState } from "./connection-state";
import { OrreryClient, type OrreryClientOptions } from "./orrery-client";
import { FakeServer, fakeHash } from "./testing/fake-server";

interface Task {
  _id: string;
  text: string;
}
const api = {
  tasks: {
    list: functionReference<"query", { list: string }, Task[]>("tasks:list"),
    add: functionReference<"mutation", { list: string; text: string }, string>("tasks:add"),
    summarize: functionReference<"action", { list: string }, { words: bigint }>("tasks:summarize"),
  },
};

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

function connect(server: FakeServer, options: Partial<OrreryClientOptions> = {}) {
  const client = new OrreryClient("http://orrery.test", {
    namespace: "team-1",
    WebSocket: server.WebSocket,
    reconnect: { minDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

describe("OrreryClient", () => {
  it("connects to /api/<namespace>/ws and shares one subscription between identical watches", async () => {
    const server = new FakeServer();
    const client = connect(server);
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    expect(server.urls).toEqual(["ws://orrery.test/api/team-1/ws"]);

    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = client.watchQuery(api.tasks.list, { list: "inbox" }, first);
    const stopSecond = client.watchQuery(api.tasks.list, { list: "inbox" }, second);
    expect(server.current.received).toEqual([
      { type: "subscribe", id: "q1", query: "tasks:list", args: { list: "inbox" } },
    ]);
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toBeUndefined();

    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 1,
      updates: [{ id: "q1", value: [{ _id: "t1", text: "milk" }] }],
    });
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toEqual({
      status: "value",
      value: [{ _id: "t1", text: "milk" }],
      stale: false,
    });

    stopFirst();
    stopFirst();
    expect(server.current.ofType("unsubscribe")).toEqual([]);
    stopSecond();
    expect(server.current.ofType("unsubscribe")).toEqual([{ type: "unsubscribe", id: "q1" }]);
  });

  it("queues mutations offline, sends them on connect and re-sends after a reconnect with the same requestId", async () => {
    const server = new FakeServer();
    server.refuse = true;
    const changes: ConnectionState[] = [];
    const client = connect(server, { onConnectionChange: (state) => changes.push(state) });
    await vi.waitFor(() => expect(server.connections.length).toBeGreaterThan(0));

    const added = client.mutation(api.tasks.add, { list: "inbox", text: "milk" });
    expect(client.connectionState().pendingMutations).toBe(1);

    server.refuse = false;
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    const [sent] = server.current.ofType("mutate");
    expect(sent).toMatchObject({ mutation: "tasks:add", args: { list: "inbox", text: "milk" } });

    // The connection drops before the answer; the server may or may not have run it.
    server.current.drop();
    expect(client.connectionState().state).toBe("closed");
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    const [resent] = server.current.ofType("mutate");
    expect(resent).toEqual(sent);

    server.current.send({
      type: "mutationResult",
      requestId: sent!.requestId,
      ok: true,
      value: "t1",
      commitVersion: 3,
    });
    await expect(added).resolves.toBe("t1");
    expect(client.connectionState()).toEqual({ state: "open", pendingMutations: 0 });
    expect(changes.map((c) => c.state)).toContain("closed");
  });

  it("keeps showing results across a reconnect and re-subscribes", async () => {
    const server = new FakeServer();
    const client = connect(server);
    const listener = vi.fn();
    client.watchQuery(api.tasks.list, { list: "inbox" }, listener);
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 4,
      updates: [{ id: "q1", value: [] }],
    });

    server.current.drop();
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toEqual({
      status: "value",
      value: [],
      stale: true,
    });
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    // With the hash of the result it holds, so the server can skip it if unchanged.
    expect(server.current.received).toEqual([
      {
        type: "subscribe",
        id: "q1",
        query: "tasks:list",
        args: { list: "inbox" },
        hash: fakeHash({ value: [] }),
      },
    ]);
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 6,
      updates: [{ id: "q1", value: [{ _id: "t9", text: "new" }] }],
    });
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toMatchObject({ stale: false });
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it("re-subscribes with the hashes it holds after a reconnect: keeps what the server did not re-send, takes what changed", async () => {
    const server = new FakeServer();
    const client = connect(server);
    const inbox = vi.fn();
    const done = vi.fn();
    client.watchQuery(api.tasks.list, { list: "inbox" }, inbox);
    client.watchQuery(api.tasks.list, { list: "done" }, done);
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 4,
      updates: [
        { id: "q1", value: [{ _id: "t1", text: "milk" }], hash: "hinbox4" },
        { id: "q2", value: [], hash: "hdone4" },
      ],
    });

    server.current.drop();
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    expect(server.current.received).toEqual([
      { type: "subscribe", id: "q1", query: "tasks:list", args: { list: "inbox" }, hash: "hinbox4" },
      { type: "subscribe", id: "q2", query: "tasks:list", args: { list: "done" }, hash: "hdone4" },
    ]);
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toMatchObject({ stale: true });
    inbox.mockClear();
    done.mockClear();

    // Only "done" changed meanwhile: the server sends it alone, inbox not at all.
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 7,
      updates: [{ id: "q2", value: [{ _id: "t2", text: "eggs" }], hash: "hdone7" }],
    });
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toEqual({
      status: "value",
      value: [{ _id: "t1", text: "milk" }],
      stale: false,
    });
    expect(client.queryResult(api.tasks.list, { list: "done" })).toEqual({
      status: "value",
      value: [{ _id: "t2", text: "eggs" }],
      stale: false,
    });
    expect(inbox).toHaveBeenCalledTimes(1);
    expect(done).toHaveBeenCalledTimes(1);
    // A one-shot query of the held result answers at once: it is current.
    await expect(client.query(api.tasks.list, { list: "inbox" })).resolves.toEqual([
      { _id: "t1", text: "milk" },
    ]);

    // Nothing changed before the next reconnect: one empty transition settles everything.
    server.current.drop();
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    expect(server.current.ofType("subscribe").map((m) => m.hash)).toEqual(["hinbox4", "hdone7"]);
    server.current.send({ type: "transition", fromVersion: 0, toVersion: 7, updates: [] });
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toMatchObject({ stale: false });
    expect(client.queryResult(api.tasks.list, { list: "done" })).toEqual({
      status: "value",
      value: [{ _id: "t2", text: "eggs" }],
      stale: false,
    });
  });

  it("reconnects when a transition was missed", async () => {
    const server = new FakeServer();
    const client = connect(server);
    client.watchQuery(api.tasks.list, { list: "inbox" }, () => {});
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 2,
      updates: [{ id: "q1", value: [] }],
    });
    server.current.send({
      type: "transition",
      fromVersion: 5,
      toVersion: 6,
      updates: [{ id: "q1", value: [] }],
    });
    await vi.waitFor(() => expect(server.connections.length).toBe(2));
    await vi.waitFor(() => expect(server.current.ofType("subscribe")).toHaveLength(1));
    expect(client.connectionState().state).toBe("open");
  });

  it("applies an optimistic update at once and notifies the query's listeners", async () => {
    const server = new FakeServer();
    const client = connect(server);
    const listener = vi.fn();
    client.watchQuery(api.tasks.list, { list: "inbox" }, listener);
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 1,
      updates: [{ id: "q1", value: [] }],
    });

    const added = client.mutation(
      api.tasks.add,
      { list: "inbox", text: "milk" },
      {
        optimisticUpdate: (store, args) => {
          const tasks = store.getQuery(api.tasks.list, { list: args.list }) ?? [];
          store.setQuery(api.tasks.list, { list: args.list }, [
            ...tasks,
            { _id: "pending", text: args.text },
          ]);
        },
      },
    );
    expect(listener).toHaveBeenCalledTimes(2);
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toMatchObject({
      value: [{ _id: "pending", text: "milk" }],
    });

    const [mutate] = server.current.ofType("mutate");
    server.current.send({
      type: "mutationResult",
      requestId: mutate!.requestId,
      ok: true,
      value: "t1",
      commitVersion: 2,
    });
    server.current.send({
      type: "transition",
      fromVersion: 1,
      toVersion: 2,
      updates: [{ id: "q1", value: [{ _id: "t1", text: "milk" }] }],
    });
    await expect(added).resolves.toBe("t1");
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toMatchObject({
      value: [{ _id: "t1", text: "milk" }],
    });
  });

  it("rejects a failed mutation with the server's code and message", async () => {
    const server = new FakeServer();
    server.onMessage = (message, connection) => {
      if (message.type === "mutate") {
        connection.send({
          type: "mutationResult",
          requestId: message.requestId,
          ok: false,
          error: { code: "INVALID_ARGUMENT", message: "args.text: expected string, got number" },
        });
      }
    };
    const client = connect(server);
    const failed = client.mutation(api.tasks.add, { list: "inbox", text: "x" });
    await expect(failed).rejects.toBeInstanceOf(OrreryClientError);
    await expect(failed).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("keeps a mutation answered OUTCOME_UNKNOWN pending and re-sends it with the same requestId until a real answer", async () => {
    const server = new FakeServer();
    const answers = ["OUTCOME_UNKNOWN", "OUTCOME_UNKNOWN", "ok"];
    const sentAt: number[] = [];
    server.onMessage = (message, connection) => {
      if (message.type === "subscribe") {
        connection.send({
          type: "transition",
          fromVersion: 0,
          toVersion: 1,
          updates: [{ id: message.id, value: [] }],
        });
      }
      if (message.type !== "mutate") return;
      sentAt.push(Date.now());
      if (answers.shift() === "ok") {
        connection.send({
          type: "mutationResult",
          requestId: message.requestId,
          ok: true,
          value: "t1",
          commitVersion: 2,
        });
        connection.send({
          type: "transition",
          fromVersion: 1,
          toVersion: 2,
          updates: [{ id: "q1", value: [{ _id: "t1", text: "milk" }] }],
        });
      } else {
        connection.send({
          type: "mutationResult",
          requestId: message.requestId,
          ok: false,
          error: {
            code: "OUTCOME_UNKNOWN",
            message: "the commit's outcome is unknown; retry with the same request id",
          },
        });
      }
    };
    const client = connect(server, {
      clientId: "client-1",
      mutationResend: { minDelayMs: 30, maxDelayMs: 1000 },
    });
    client.watchQuery(api.tasks.list, { list: "inbox" }, () => {});
    await vi.waitFor(() => expect(client.queryResult(api.tasks.list, { list: "inbox" })).toBeDefined());

    let settled = false;
    const added = client.mutation(
      api.tasks.add,
      { list: "inbox", text: "milk" },
      {
        optimisticUpdate: (store, args) =>
          store.setQuery(api.tasks.list, { list: args.list }, [{ _id: "pending", text: args.text }]),
      },
    );
    void added.finally(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(server.current.ofType("mutate")).toHaveLength(2));
    // Not rejected: still pending, its optimistic update still shown.
    expect(settled).toBe(false);
    expect(client.connectionState().pendingMutations).toBe(1);
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toMatchObject({
      value: [{ _id: "pending", text: "milk" }],
    });

    await expect(added).resolves.toBe("t1");
    const [first, ...resends] = server.current.ofType("mutate");
    expect(first).toMatchObject({ mutation: "tasks:add", clientId: "client-1" });
    expect(resends).toEqual([first, first]);
    // 30 ms, then 60 ms: the second wait is longer (timers may fire a little early or late).
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(25);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(55);
    expect(client.connectionState().pendingMutations).toBe(0);
    expect(client.queryResult(api.tasks.list, { list: "inbox" })).toMatchObject({
      value: [{ _id: "t1", text: "milk" }],
    });
  });

  it("re-sends a mutation waiting out OUTCOME_UNKNOWN at once on reconnect, and stops re-sending when closed", async () => {
    const server = new FakeServer();
    server.onMessage = (message, connection) => {
      if (message.type === "mutate") {
        connection.send({
          type: "mutationResult",
          requestId: message.requestId,
          ok: false,
          error: { code: "OUTCOME_UNKNOWN", message: "retry with the same request id" },
        });
      }
    };
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const clearTimeoutSpy = vi.spyOn(globalThis, "clearTimeout");
    const client = connect(server, { mutationResend: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    const added = client.mutation(api.tasks.add, { list: "inbox", text: "milk" });
    await vi.waitFor(() => expect(server.current.ofType("mutate")).toHaveLength(1));
    const [sent] = server.current.ofType("mutate");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.connectionState().pendingMutations).toBe(1);

    // Long before the minute's backoff is over, a new connection re-sends it.
    server.current.drop();
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    expect(server.current.ofType("mutate")).toEqual([sent]);

    // One timer for the re-send, cleared by close.
    const resendTimers = setTimeoutSpy.mock.calls.flatMap((call, i) =>
      call[1] === 60_000 ? [setTimeoutSpy.mock.results[i]!.value] : [],
    );
    expect(resendTimers).toHaveLength(1);
    client.close();
    await expect(added).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(clearTimeoutSpy).toHaveBeenCalledWith(resendTimers[0]);
    setTimeoutSpy.mockRestore();
    clearTimeoutSpy.mockRestore();
  });

  it("answers a one-shot query by subscribing then unsubscribing", async () => {
    const server = new FakeServer();
    server.onMessage = (message, connection) => {
      if (message.type === "subscribe") {
        connection.send({
          type: "transition",
          fromVersion: 0,
          toVersion: 1,
          updates: [{ id: message.id, value: [{ _id: "t1", text: "milk" }] }],
        });
      }
    };
    const client = connect(server);
    await expect(client.query(api.tasks.list, { list: "inbox" })).resolves.toEqual([
      { _id: "t1", text: "milk" },
    ]);
    expect(server.current.received.map((m) => m.type)).toEqual(["subscribe", "unsubscribe"]);
  });

  it("rejects a one-shot query with the query's error", async () => {
    const server = new FakeServer();
    server.onMessage = (message, connection) => {
      if (message.type === "subscribe") {
        connection.send({
          type: "transition",
          fromVersion: 0,
          toVersion: 1,
          updates: [{ id: message.id, error: { code: "FORBIDDEN", message: "not yours" } }],
        });
      }
    };
    const client = connect(server);
    await expect(client.query(api.tasks.list, { list: "inbox" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("runs actions over HTTP and decodes their values", async () => {
    const server = new FakeServer();
    const calls: { url: string; body: unknown }[] = [];
    const fetchStub: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), body: JSON.parse(String(init?.body)) });
      return String(input).endsWith("tasks%3Asummarize")
        ? Response.json({ value: { words: { $int64: "42" } } })
        : Response.json({ error: { code: "NOT_FOUND", message: "no such action" } }, { status: 404 });
    };
    const client = connect(server, { fetch: fetchStub });
    await expect(client.action(api.tasks.summarize, { list: "inbox" })).resolves.toEqual({ words: 42n });
    expect(calls).toEqual([
      { url: "http://orrery.test/api/team-1/actions/tasks%3Asummarize", body: { list: "inbox" } },
    ]);
    const missing = functionReference<"action", Record<string, never>, null>("tasks:missing");
    await expect(client.action(missing, {})).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "no such action",
    });
  });

  it("turns a failed fetch or a body that is not JSON into OrreryClientErrors", async () => {
    const server = new FakeServer();
    const down = connect(server, {
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    await expect(down.action(api.tasks.summarize, { list: "a" })).rejects.toMatchObject({ code: "NETWORK" });
    const html = connect(server, { fetch: async () => new Response("<html>", { status: 502 }) });
    await expect(html.action(api.tasks.summarize, { list: "a" })).rejects.toMatchObject({ code: "PROTOCOL" });
  });

  it("uses wss and https for a secure URL, and keeps a path prefix", () => {
    const server = new FakeServer();
    connect(server);
    const client = new OrreryClient("https://example.com/base/", {
      namespace: "a b",
      WebSocket: server.WebSocket,
    });
    clients.push(client);
    return vi.waitFor(() => expect(server.urls).toContain("wss://example.com/base/api/a%20b/ws"));
  });

  it("rejects pending work on close, and refuses new work after", async () => {
    const server = new FakeServer();
    server.refuse = true;
    const client = connect(server);
    const pending = client.mutation(api.tasks.add, { list: "inbox", text: "x" });
    const oneShot = client.query(api.tasks.list, { list: "inbox" });
    client.close();
    await expect(pending).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    await expect(oneShot).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(client.connectionState()).toEqual({ state: "closed", pendingMutations: 0 });
    expect(() => client.watchQuery(api.tasks.list, { list: "inbox" }, () => {})).toThrow(OrreryClientError);
    await expect(client.mutation(api.tasks.add, { list: "inbox", text: "x" })).rejects.toMatchObject({
      code: "CLIENT_CLOSED",
    });
  });

  it("reports frames that are not messages", async () => {
    const server = new FakeServer();
    const errors: OrreryClientError[] = [];
    const client = connect(server, { onServerError: (error) => errors.push(error) });
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    server.current.sendRaw("{nope");
    server.current.send({ type: "error", code: "BAD_FRAME", message: "frame is not valid JSON" });
    expect(errors.map((e) => e.code)).toEqual(["PROTOCOL", "BAD_FRAME"]);
  });
});
