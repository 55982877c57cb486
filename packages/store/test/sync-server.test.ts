import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../src/protocol/protocol";
import type { ConnectionState } from "../src/sync/connection-state";
import { SyncServer } from "../src/sync/sync-server";
import { type RunnerFixture, withRunner } from "./functions-fixture";

/** An in-memory transport: what each connection was sent, and its last saved state. */
function memoryTransport() {
  const sent = new Map<string, ServerMessage[]>();
  const saved = new Map<string, ConnectionState>();
  return {
    sent,
    saved,
    transport: {
      send: (id: string, message: ServerMessage) => sent.set(id, [...(sent.get(id) ?? []), message]),
      saveState: (id: string, state: ConnectionState) => saved.set(id, structuredClone(state)),
    },
    take(id: string): ServerMessage[] {
      const messages = sent.get(id) ?? [];
      sent.set(id, []);
      return messages;
    },
  };
}

function syncFor(
  { runner, store }: RunnerFixture,
  transport: ReturnType<typeof memoryTransport>["transport"],
) {
  const sync: SyncServer = new SyncServer(
    {
      checkQuery: (name, args) => runner.checkArgs(name, "query", args),
      runQuery: (name, args, identity) => runner.runQuery(name, args, identity),
      runMutation: async (name, args, identity, requestId) => {
        const outcome = await runner.runMutation(name, args, identity, { requestId });
        await sync.committed(outcome);
        return outcome;
      },
      exclusive: (work) => store.exclusive(work),
      version: () => store.version,
    },
    transport,
  );
  return sync;
}

const frame = (message: unknown) => JSON.stringify(message);

describe("SyncServer", () => {
  it("sends first results, then per commit the caller's result and one transition with only changed results", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      sync.connect("a", null);
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "y", query: "tasks:list", args: { list: "y" } }),
      );
      expect(memory.take("a")).toEqual([
        { type: "transition", fromVersion: 0, toVersion: 0, updates: [{ id: "x", value: [] }] },
        { type: "transition", fromVersion: 0, toVersion: 0, updates: [{ id: "y", value: [] }] },
      ]);
      await sync.receive(
        "a",
        frame({ type: "mutate", requestId: "r1", mutation: "tasks:add", args: { list: "y", text: "t" } }),
      );
      const [result, transition] = memory.take("a");
      expect(transition).toMatchObject({
        type: "transition",
        fromVersion: 0,
        toVersion: 1,
        updates: [{ id: "y", value: [{ text: "t" }] }],
      });
      expect(result).toMatchObject({ type: "mutationResult", requestId: "r1", ok: true, commitVersion: 1 });
      expect(memory.saved.get("a")?.version).toBe(1);
    }));

  it("a caller gets its result first, then a transition to its commit even when none of its results changed", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      sync.connect("a", null);
      await sync.receive(
        "a",
        frame({ type: "mutate", requestId: "r", mutation: "tasks:add", args: { list: "z", text: "t" } }),
      );
      expect(memory.take("a")).toEqual([
        expect.objectContaining({ type: "mutationResult", ok: true, commitVersion: 1 }),
        { type: "transition", fromVersion: 0, toVersion: 1, updates: [] },
      ]);
    }));

  it("unsubscribed and disconnected subscriptions get nothing more", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      sync.connect("a", null);
      sync.connect("b", null);
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await sync.receive(
        "b",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await sync.receive("a", frame({ type: "unsubscribe", id: "x" }));
      sync.disconnect("b");
      memory.take("a");
      memory.take("b");
      await fixture.runner.runMutation("tasks:add", { list: "x", text: "t" }).then((o) => sync.committed(o));
      expect(memory.take("a")).toEqual([]);
      expect(memory.take("b")).toEqual([]);
      expect(sync.connectionCount).toBe(1);
    }));

  it("a connection restored from saved state re-runs on the next commit and sends only what changed", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const before = syncFor(fixture, memory.transport);
      before.connect("a", null);
      await before.receive(
        "a",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await before.receive(
        "a",
        frame({ type: "subscribe", id: "y", query: "tasks:list", args: { list: "y" } }),
      );
      memory.take("a");
      // A new server, as after hibernation: only the saved state survives.
      const after = syncFor(fixture, memory.transport);
      after.connect("a", structuredClone(memory.saved.get("a")!));
      await fixture.runner.runMutation("tasks:add", { list: "y", text: "t" }).then((o) => after.committed(o));
      expect(memory.take("a")).toEqual([
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 1,
          updates: [{ id: "y", value: [expect.objectContaining({ text: "t" })] }],
        },
      ]);
      // Now indexed again: a write elsewhere touches nothing.
      await fixture.runner
        .runMutation("tasks:add", { list: "other", text: "t" })
        .then((o) => after.committed(o));
      expect(memory.take("a")).toEqual([]);
    }));
});
