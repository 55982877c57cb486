import { functionReference } from "@orrery/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrreryClient } from "./orrery-client";
import type { Maintenance } from "./sync/sync-engine";
import { type FakeConnection, FakeServer } from "./testing/fake-server";

type Task = { _id: string; text: string };
const api = {
  tasks: {
    list: functionReference<"query", { list: string }, Task[]>("tasks:list"),
    add: functionReference<"mutation", { list: string; text: string }, string>("tasks:add"),
  },
};
const MESSAGE = "Moving to Postgres, back at 14:00";

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

/**
 * A namespace with a maintenance flag, as the real server keeps it: while on, it says so first
 * on every connection and refuses mutations; tasks it stored, each request id at most once.
 */
function maintainedServer() {
  const server = new FakeServer();
  const state = { on: false, tasks: [] as Task[], version: 1, ran: new Map<string, string>() };
  const announce = (connection: FakeConnection) =>
    connection.send(
      state.on ? { type: "maintenance", on: true, message: MESSAGE } : { type: "maintenance", on: false },
    );
  server.onMessage = (message, connection) => {
    switch (message.type) {
      case "subscribe":
        connection.send({
          type: "transition",
          fromVersion: 0,
          toVersion: state.version,
          updates: [{ id: message.id, value: state.tasks }],
        });
        return;
      case "ping":
        connection.send({ type: "pong" });
        return;
      case "mutate": {
        if (state.on) {
          connection.send({
            type: "mutationResult",
            requestId: message.requestId,
            ok: false,
            error: { code: "MAINTENANCE", message: MESSAGE },
          });
          return;
        }
        let id = state.ran.get(message.requestId);
        if (id === undefined) {
          id = `t${state.tasks.length + 1}`;
          state.ran.set(message.requestId, id);
          state.tasks = [...state.tasks, { _id: id, text: (message.args as { text: string }).text }];
          state.version++;
        }
        connection.send({
          type: "mutationResult",
          requestId: message.requestId,
          ok: true,
          value: id,
          commitVersion: state.version,
        });
        connection.send({
          type: "transition",
          fromVersion: state.version - 1,
          toVersion: state.version,
          updates: [{ id: "q1", value: state.tasks }],
        });
        return;
      }
      default:
        return;
    }
  };
  // As the real server: while on, a new connection's first frame says so.
  server.onConnect = (connection) => {
    if (state.on) announce(connection);
  };
  return {
    server,
    state,
    turn(on: boolean, tell = true) {
      state.on = on;
      if (tell) announce(server.current);
    },
  };
}

function connect(server: FakeServer, seen: (Maintenance | null)[], probeDelayMs = 30) {
  const client = new OrreryClient("http://orrery.test", {
    namespace: "team-1",
    WebSocket: server.WebSocket,
    reconnect: { minDelayMs: 5, maxDelayMs: 20 },
    mutationResend: { minDelayMs: probeDelayMs, maxDelayMs: probeDelayMs * 4 },
    onMaintenanceChange: (maintenance) => seen.push(maintenance),
  });
  clients.push(client);
  client.watchQuery(api.tasks.list, { list: "inbox" }, () => {});
  return client;
}

const texts = (client: OrreryClient) => {
  const result = client.queryResult(api.tasks.list, { list: "inbox" });
  return result?.status === "value" ? result.value.map((task) => task.text) : result;
};

const optimistic = (text: string) => ({
  optimisticUpdate: (
    store: Parameters<NonNullable<Parameters<OrreryClient["mutation"]>[2]>["optimisticUpdate"] & {}>[0],
  ) =>
    store.setQuery(api.tasks.list, { list: "inbox" }, [
      ...(store.getQuery(api.tasks.list, { list: "inbox" }) ?? []),
      { _id: "pending", text },
    ]),
});

describe("OrreryClient during maintenance", () => {
  it("keeps a refused mutation queued with its optimistic update, shows the message, and sends it once when told it ended", async () => {
    const { server, state, turn } = maintainedServer();
    const seen: (Maintenance | null)[] = [];
    // No probe within the test: only the server's word ends it.
    const client = connect(server, seen, 60_000);
    await vi.waitFor(() => expect(texts(client)).toEqual([]));
    const heard = vi.fn();
    client.subscribeToMaintenance(heard);

    state.on = true; // the server refuses before it says so
    const added = client.mutation(api.tasks.add, { list: "inbox", text: "milk" }, optimistic("milk"));
    await vi.waitFor(() => expect(client.maintenance()).toEqual({ message: MESSAGE }));
    expect(heard).toHaveBeenCalledTimes(1);
    expect(texts(client)).toEqual(["milk"]);
    expect(client.connectionState().pendingMutations).toBe(1);

    // Typing on: held, not sent, shown at once.
    const more = client.mutation(api.tasks.add, { list: "inbox", text: "eggs" }, optimistic("eggs"));
    expect(texts(client)).toEqual(["milk", "eggs"]);
    expect(server.current.ofType("mutate")).toHaveLength(1);

    turn(false);
    await expect(added).resolves.toBe("t1");
    await expect(more).resolves.toBe("t2");
    expect(client.maintenance()).toBeNull();
    expect(seen).toEqual([{ message: MESSAGE }, null]);
    expect(state.tasks.map((task) => task.text)).toEqual(["milk", "eggs"]);
    expect(texts(client)).toEqual(["milk", "eggs"]);
    // The refused request was re-sent with its own id: two requests, two tasks.
    expect(new Set(server.current.ofType("mutate").map((m) => m.requestId)).size).toBe(2);
  });

  it("without the 'off' message, the backoff probe finds that it ended", async () => {
    const { server, state, turn } = maintainedServer();
    const client = connect(server, []);
    await vi.waitFor(() => expect(texts(client)).toEqual([]));
    turn(true);
    await vi.waitFor(() => expect(client.maintenance()).toEqual({ message: MESSAGE }));
    const added = client.mutation(api.tasks.add, { list: "inbox", text: "milk" }, optimistic("milk"));
    const more = client.mutation(api.tasks.add, { list: "inbox", text: "eggs" }, optimistic("eggs"));
    // Probes (the first held mutation only) are refused, backing off.
    await vi.waitFor(() => expect(server.current.ofType("mutate").length).toBeGreaterThanOrEqual(2));
    expect(server.current.ofType("mutate").every((m) => (m.args as { text: string }).text === "milk")).toBe(
      true,
    );
    turn(false, false);
    await expect(added).resolves.toBe("t1");
    await expect(more).resolves.toBe("t2");
    expect(client.maintenance()).toBeNull();
    expect(state.tasks.map((task) => task.text)).toEqual(["milk", "eggs"]);
  });

  it("a reconnect learns from its first frame that maintenance ended while it was away", async () => {
    const { server, state, turn } = maintainedServer();
    const client = connect(server, [], 60_000);
    await vi.waitFor(() => expect(texts(client)).toEqual([]));
    turn(true);
    await vi.waitFor(() => expect(client.maintenance()).not.toBeNull());
    const later = client.mutation(api.tasks.add, { list: "inbox", text: "eggs" }, optimistic("eggs"));

    // Still on after a reconnect: the first frame says so, and nothing is sent.
    server.current.drop();
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    await vi.waitFor(() => expect(server.current.ofType("ping")).toHaveLength(1));
    expect(server.current.ofType("mutate")).toEqual([]);
    expect(client.maintenance()).toEqual({ message: MESSAGE });
    expect(texts(client)).toEqual(["eggs"]);

    server.current.drop();
    state.on = false;
    await expect(later).resolves.toBe("t1");
    expect(client.maintenance()).toBeNull();
    expect(state.tasks.map((task) => task.text)).toEqual(["eggs"]);
  });

  it("a client that connects during maintenance is told first, holds its writes, and rejects them only on close", async () => {
    const { server, state } = maintainedServer();
    state.on = true;
    const client = connect(server, []);
    await vi.waitFor(() => expect(client.maintenance()).toEqual({ message: MESSAGE }));
    const added = client.mutation(api.tasks.add, { list: "inbox", text: "milk" });
    expect(server.current.ofType("mutate")).toEqual([]);
    client.close();
    await expect(added).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(state.tasks).toEqual([]);
  });
});
