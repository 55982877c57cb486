import type { ServerMessage } from "@orrery/protocol";
import { functionReference, type QueryReference } from "@orrery/protocol";
import { describe, expect, it } from "vitest";
import { fakeHash, type UnhashedUpdate, withHashes } from "../testing/fake-server";
import { SyncEngine } from "./sync-engine";

interface Task {
  text: string;
}
const listTasks = functionReference<"query", { list: string }, Task[]>("tasks:list");
const countTasks: QueryReference<{ list: string }, number> = functionReference("tasks:count");

const engine = () => {
  let n = 0;
  return new SyncEngine({ newRequestId: () => `m${++n}` });
};

const transition = (fromVersion: number, toVersion: number, updates: UnhashedUpdate[]): ServerMessage =>
  withHashes({ type: "transition", fromVersion, toVersion, updates });

const shown = (sync: SyncEngine, token: string) => {
  const result = sync.result(token);
  return result?.status === "value" ? result.value : result?.error;
};

describe("SyncEngine", () => {
  it("sends nothing offline and everything on connect", () => {
    const sync = engine();
    const sub = sync.subscribe("tasks:list", { list: "a" });
    const mutation = sync.mutate("tasks:add", { text: "x" });
    expect(sub.messages).toEqual([]);
    expect(mutation.messages).toEqual([]);
    expect(sync.pendingMutations).toBe(1);
    expect(sync.onOpen().messages).toEqual([
      { type: "subscribe", id: "q1", query: "tasks:list", args: { list: "a" } },
      { type: "mutate", requestId: "m1", mutation: "tasks:add", args: { text: "x" } },
    ]);
    // Once connected, calls send at once.
    expect(sync.subscribe("tasks:list", { list: "b" }).messages).toEqual([
      expect.objectContaining({ type: "subscribe", id: "q2" }),
    ]);
  });

  it("re-sends a mutation after a reconnect with the same requestId, and completes it once", () => {
    const sync = engine();
    sync.onOpen();
    const { requestId, messages } = sync.mutate("tasks:add", { text: "x" });
    expect(messages).toEqual([{ type: "mutate", requestId, mutation: "tasks:add", args: { text: "x" } }]);
    sync.onClose();
    expect(sync.onOpen().messages).toEqual(messages);
    const done = sync.receive({ type: "mutationResult", requestId, ok: true, value: "t1", commitVersion: 1 });
    expect(done.completed).toEqual([{ requestId, ok: true, value: "t1", commitVersion: 1 }]);
    expect(
      sync.receive({ type: "mutationResult", requestId, ok: true, value: "t1", commitVersion: 1 }).completed,
    ).toEqual([]);
  });

  it("keeps results on screen while reconnecting, then replaces them", () => {
    const sync = engine();
    sync.onOpen();
    const { token } = sync.subscribe("tasks:list", { list: "a" });
    sync.receive(transition(0, 3, [{ id: "q1", value: [{ text: "x" }] }]));
    expect(sync.onClose().changed).toEqual([token]);
    expect(sync.result(token)).toEqual({ status: "value", value: [{ text: "x" }], stale: true });
    expect(sync.onOpen().messages).toEqual([
      {
        type: "subscribe",
        id: "q1",
        query: "tasks:list",
        args: { list: "a" },
        hash: fakeHash({ value: [{ text: "x" }] }),
      },
    ]);
    const effects = sync.receive(transition(0, 5, [{ id: "q1", value: [{ text: "x" }, { text: "y" }] }]));
    expect(effects.changed).toEqual([token]);
    expect(sync.result(token)).toEqual({
      status: "value",
      value: [{ text: "x" }, { text: "y" }],
      stale: false,
    });
  });

  it("asks for a reconnect when a transition was missed", () => {
    const sync = engine();
    sync.onOpen();
    sync.subscribe("tasks:list", { list: "a" });
    sync.receive(transition(0, 3, [{ id: "q1", value: [] }]));
    expect(sync.receive(transition(5, 6, [{ id: "q1", value: [] }])).reconnect).toBe(true);
  });

  it("shows a server error for a subscription as that query's error", () => {
    const sync = engine();
    sync.onOpen();
    const { token } = sync.subscribe("tasks:list", { list: "a" });
    const effects = sync.receive({ type: "error", code: "UNKNOWN_ID", message: "no such query", id: "q1" });
    expect(effects.changed).toEqual([token]);
    expect(shown(sync, token)).toMatchObject({ code: "UNKNOWN_ID" });
    expect(sync.receive({ type: "error", code: "BAD_FRAME", message: "?" }).errors).toEqual([
      expect.objectContaining({ code: "BAD_FRAME" }),
    ]);
  });

  describe("optimistic updates", () => {
    const setup = () => {
      const sync = engine();
      sync.onOpen();
      const list = sync.subscribe("tasks:list", { list: "a" }).token;
      const count = sync.subscribe("tasks:count", { list: "a" }).token;
      sync.receive(
        transition(0, 10, [
          { id: "q1", value: [{ text: "server" }] },
          { id: "q2", value: 1 },
        ]),
      );
      const add = (text: string) =>
        sync.mutate("tasks:add", { list: "a", text }, (store) => {
          const tasks = store.getQuery(listTasks, { list: "a" });
          if (tasks) store.setQuery(listTasks, { list: "a" }, [...tasks, { text }]);
          const n = store.getQuery(countTasks, { list: "a" });
          if (n !== undefined) store.setQuery(countTasks, { list: "a" }, n + 1);
        });
      return { sync, list, count, add };
    };

    it("applies at once, and stacks in call order", () => {
      const { sync, list, count, add } = setup();
      const first = add("mine");
      expect(first.changed.sort()).toEqual([list, count].sort());
      expect(shown(sync, list)).toEqual([{ text: "server" }, { text: "mine" }]);
      add("second");
      expect(shown(sync, list)).toEqual([{ text: "server" }, { text: "mine" }, { text: "second" }]);
      expect(shown(sync, count)).toBe(3);
    });

    it("re-applies over each new server result while pending", () => {
      const { sync, list, add } = setup();
      add("mine");
      const effects = sync.receive(
        transition(10, 11, [{ id: "q1", value: [{ text: "server" }, { text: "other" }] }]),
      );
      expect(effects.changed).toContain(list);
      expect(shown(sync, list)).toEqual([{ text: "server" }, { text: "other" }, { text: "mine" }]);
    });

    it("rolls back when the mutation fails", () => {
      const { sync, list, count, add } = setup();
      const { requestId } = add("mine");
      const effects = sync.receive({
        type: "mutationResult",
        requestId,
        ok: false,
        error: { code: "INVALID_ARGUMENT", message: "args.text: too long" },
      });
      expect(effects.completed).toEqual([expect.objectContaining({ requestId, ok: false })]);
      expect(effects.changed.sort()).toEqual([list, count].sort());
      expect(shown(sync, list)).toEqual([{ text: "server" }]);
      expect(shown(sync, count)).toBe(1);
    });

    it("settles when a transition reaches the commit version, not before", () => {
      const { sync, list, add } = setup();
      const { requestId } = add("mine");
      const result = sync.receive({
        type: "mutationResult",
        requestId,
        ok: true,
        value: "t2",
        commitVersion: 12,
      });
      expect(result.completed).toEqual([]);
      expect(result.messages).toEqual([{ type: "ping" }]);
      // A commit by someone else, before ours: our layer stays on top.
      sync.receive(transition(10, 11, [{ id: "q1", value: [{ text: "server" }, { text: "other" }] }]));
      expect(shown(sync, list)).toEqual([{ text: "server" }, { text: "other" }, { text: "mine" }]);
      // The transition that includes our write: the layer goes, the server's truth shows.
      const settled = sync.receive(
        transition(11, 12, [{ id: "q1", value: [{ text: "server" }, { text: "other" }, { text: "mine" }] }]),
      );
      expect(settled.completed).toEqual([{ requestId, ok: true, value: "t2", commitVersion: 12 }]);
      expect(shown(sync, list)).toEqual([{ text: "server" }, { text: "other" }, { text: "mine" }]);
      expect(sync.pendingMutations).toBe(0);
      // count was not re-sent (the server had not pushed it yet): it shows the server's again.
      expect(sync.receive(transition(12, 12, [{ id: "q2", value: 2 }])).changed).toHaveLength(1);
    });

    it("keeps the layer and re-sends after OUTCOME_UNKNOWN, then settles on the real answer", () => {
      const clock = { now: 0 };
      let n = 0;
      const sync = new SyncEngine({
        newRequestId: () => `m${++n}`,
        clientId: "client-1",
        now: () => clock.now,
      });
      sync.onOpen();
      const list = sync.subscribe("tasks:list", { list: "a" }).token;
      sync.receive(transition(0, 10, [{ id: "q1", value: [{ text: "server" }] }]));
      const { requestId, messages } = sync.mutate("tasks:add", { list: "a", text: "mine" }, (store) => {
        const tasks = store.getQuery(listTasks, { list: "a" }) ?? [];
        store.setQuery(listTasks, { list: "a" }, [...tasks, { text: "mine" }]);
      });
      const unknown = {
        type: "mutationResult",
        requestId,
        ok: false,
        error: { code: "OUTCOME_UNKNOWN", message: "retry with the same request id" },
      } as const;

      const first = sync.receive(unknown);
      expect(first).toMatchObject({ completed: [], changed: [], messages: [], resendAfterMs: 500 });
      expect(shown(sync, list)).toEqual([{ text: "server" }, { text: "mine" }]);
      expect(sync.pendingMutations).toBe(1);

      clock.now = 500;
      const resent = sync.resendDue();
      expect(resent.messages).toEqual(messages);
      expect(resent.messages).toEqual([
        {
          type: "mutate",
          requestId,
          mutation: "tasks:add",
          args: { list: "a", text: "mine" },
          clientId: "client-1",
        },
      ]);
      expect(resent.resendAfterMs).toBeNull();
      // Still unknown: a longer wait.
      expect(sync.receive(unknown).resendAfterMs).toBe(1000);
      clock.now = 1499;
      expect(sync.resendDue()).toMatchObject({ messages: [], resendAfterMs: 1 });
      // Offline when due: nothing is sent, and the next connection sends it.
      sync.onClose();
      clock.now = 1500;
      expect(sync.resendDue().messages).toEqual([]);
      expect(sync.onOpen().messages).toEqual([expect.objectContaining({ type: "subscribe" }), ...messages]);

      sync.receive({ type: "mutationResult", requestId, ok: true, value: "t2", commitVersion: 11 });
      const settled = sync.receive(
        transition(0, 11, [{ id: "q1", value: [{ text: "server" }, { text: "mine" }] }]),
      );
      expect(settled.completed).toEqual([{ requestId, ok: true, value: "t2", commitVersion: 11 }]);
      expect(sync.pendingMutations).toBe(0);
      expect(
        sync.receive({ type: "mutationResult", requestId, ok: true, value: "t2", commitVersion: 11 })
          .completed,
      ).toEqual([]);
    });

    it("settles on the barrier pong when the commit changed none of this client's queries", () => {
      const { sync, list, add } = setup();
      const { requestId } = add("mine");
      sync.receive({ type: "mutationResult", requestId, ok: true, value: null, commitVersion: 12 });
      const effects = sync.receive({ type: "pong" });
      expect(effects.completed).toEqual([expect.objectContaining({ requestId, ok: true })]);
      expect(shown(sync, list)).toEqual([{ text: "server" }]);
    });

    it("leaves queries the client does not hold alone, and survives a throwing update", () => {
      const errors: unknown[] = [];
      const sync = new SyncEngine({ onOptimisticUpdateError: (e) => errors.push(e) });
      sync.onOpen();
      const list = sync.subscribe("tasks:list", { list: "a" }).token;
      sync.receive(transition(0, 1, [{ id: "q1", value: [] }]));
      sync.mutate("tasks:add", {}, (store) => store.setQuery(listTasks, { list: "elsewhere" }, []));
      sync.mutate("tasks:add", {}, () => {
        throw new Error("boom");
      });
      sync.mutate("tasks:add", {}, (store) => store.setQuery(listTasks, { list: "a" }, [{ text: "ok" }]));
      expect(errors).toHaveLength(1);
      expect(shown(sync, list)).toEqual([{ text: "ok" }]);
    });

    it("lists every instance of a query with getAllQueries", () => {
      const sync = engine();
      sync.onOpen();
      sync.subscribe("tasks:list", { list: "a" });
      sync.subscribe("tasks:list", { list: "b" });
      sync.receive(
        transition(0, 1, [
          { id: "q1", value: [] },
          { id: "q2", value: [{ text: "b1" }] },
        ]),
      );
      const seen: unknown[] = [];
      sync.mutate("tasks:clear", {}, (store) => {
        for (const { args, value } of store.getAllQueries(listTasks)) {
          seen.push({ args, value });
          store.setQuery(listTasks, args, undefined);
        }
      });
      expect(seen).toEqual([
        { args: { list: "a" }, value: [] },
        { args: { list: "b" }, value: [{ text: "b1" }] },
      ]);
      // undefined shows the query as loading.
      expect(sync.result(sync.subscriptions.entries()[1]!.token)).toBeUndefined();
    });
  });
});
