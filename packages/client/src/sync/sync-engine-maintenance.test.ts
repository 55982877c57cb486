import { functionReference, type ServerMessage } from "@orrery/protocol";
import { describe, expect, it } from "vitest";
import { withHashes } from "../testing/fake-server";
import type { OptimisticLocalStore } from "./optimistic-updates";
import { SyncEngine } from "./sync-engine";

const listTasks = functionReference<"query", { list: string }, { text: string }[]>("tasks:list");
const MESSAGE = "Moving to Postgres, back at 14:00";

function connected(clock = { now: 0 }) {
  let n = 0;
  const sync = new SyncEngine({ newRequestId: () => `m${++n}`, now: () => clock.now });
  sync.onOpen();
  const list = sync.subscribe("tasks:list", { list: "a" }).token;
  sync.receive(
    withHashes({ type: "transition", fromVersion: 0, toVersion: 3, updates: [{ id: "q1", value: [] }] }),
  );
  const shown = () => {
    const result = sync.result(list);
    return result?.status === "value" ? result.value : result;
  };
  return { sync, shown };
}

const addMine = (text: string) => (store: OptimisticLocalStore) =>
  store.setQuery(listTasks, { list: "a" }, [...(store.getQuery(listTasks, { list: "a" }) ?? []), { text }]);

const mutate = (requestId: string, text: string) => ({
  type: "mutate",
  requestId,
  mutation: "tasks:add",
  args: { list: "a", text },
});

describe("SyncEngine and maintenance", () => {
  it("on the server's word: shows it, holds new mutations with their optimistic updates, sends them when it ends", () => {
    const { sync, shown } = connected();
    const on = sync.receive({ type: "maintenance", on: true, message: MESSAGE });
    expect(on).toMatchObject({ maintenanceChanged: true, messages: [] });
    expect(sync.maintenance).toEqual({ message: MESSAGE });
    // Told again: nothing changes.
    expect(sync.receive({ type: "maintenance", on: true, message: MESSAGE }).maintenanceChanged).toBe(false);

    const first = sync.mutate("tasks:add", { list: "a", text: "one" }, addMine("one"));
    const second = sync.mutate("tasks:add", { list: "a", text: "two" }, addMine("two"));
    expect([...first.messages, ...second.messages]).toEqual([]);
    expect(shown()).toEqual([{ text: "one" }, { text: "two" }]);
    expect(sync.pendingMutations).toBe(2);

    const off = sync.receive({ type: "maintenance", on: false });
    expect(off.maintenanceChanged).toBe(true);
    expect(off.messages).toEqual([mutate("m1", "one"), mutate("m2", "two")]);
    expect(sync.maintenance).toBeNull();
    expect(shown()).toEqual([{ text: "one" }, { text: "two" }]);
  });

  it("a MAINTENANCE answer keeps the mutation and its layer, shows the server's message; the probe passing ends it", () => {
    const clock = { now: 0 };
    const { sync, shown } = connected(clock);
    const { messages } = sync.mutate("tasks:add", { list: "a", text: "one" }, addMine("one"));
    const refused = sync.receive({
      type: "mutationResult",
      requestId: "m1",
      ok: false,
      error: { code: "MAINTENANCE", message: MESSAGE },
    });
    expect(refused).toMatchObject({ completed: [], maintenanceChanged: true, resendAfterMs: 500 });
    expect(sync.maintenance).toEqual({ message: MESSAGE });
    expect(shown()).toEqual([{ text: "one" }]);
    expect(sync.pendingMutations).toBe(1);

    // The "off" message was missed: the probe, re-sent after the backoff, passes.
    clock.now = 500;
    expect(sync.resendDue().messages).toEqual(messages);
    const passed = sync.receive({
      type: "mutationResult",
      requestId: "m1",
      ok: true,
      value: "t1",
      commitVersion: 4,
    });
    expect(passed).toMatchObject({ maintenanceChanged: true, messages: [{ type: "ping" }] });
    expect(sync.maintenance).toBeNull();
    // Settled by the transition to its commit, exactly once.
    const settled = sync.receive(
      withHashes({
        type: "transition",
        fromVersion: 3,
        toVersion: 4,
        updates: [{ id: "q1", value: [{ text: "one" }] }],
      }),
    );
    expect(settled.completed).toEqual([{ requestId: "m1", ok: true, value: "t1", commitVersion: 4 }]);
    expect(sync.pendingMutations).toBe(0);
    expect(shown()).toEqual([{ text: "one" }]);
  });

  it("after a reconnect, a first frame that is not the maintenance message means it ended", () => {
    const { sync, shown } = connected();
    sync.receive({ type: "maintenance", on: true, message: MESSAGE });
    sync.mutate("tasks:add", { list: "a", text: "one" }, addMine("one"));
    sync.onClose();

    // Still on: the server says so first, and nothing is sent.
    const reopened = sync.onOpen();
    expect(reopened.messages).toEqual([
      { type: "subscribe", id: "q1", query: "tasks:list", args: { list: "a" }, hash: expect.any(String) },
      { type: "ping" },
    ]);
    expect(sync.receive({ type: "maintenance", on: true, message: MESSAGE })).toMatchObject({
      maintenanceChanged: false,
      messages: [],
    });
    expect(sync.receive({ type: "pong" }).messages).toEqual([]);
    expect(sync.maintenance).toEqual({ message: MESSAGE });

    // Over while away: the first frame is something else; the held mutation goes first.
    sync.onClose();
    sync.onOpen();
    const first: ServerMessage = withHashes({
      type: "transition",
      fromVersion: 0,
      toVersion: 3,
      updates: [],
    });
    const ended = sync.receive(first);
    expect(ended.maintenanceChanged).toBe(true);
    expect(ended.messages).toEqual([mutate("m1", "one")]);
    expect(sync.maintenance).toBeNull();
    expect(shown()).toEqual([{ text: "one" }]);
  });
});
