import type { ServerMessage } from "@orrery/protocol";
import { describe, expect, it } from "vitest";
import { OrreryClientError } from "../client-error";
import { fakeHash, type UnhashedUpdate, withHashes } from "../testing/fake-server";
import { SubscriptionSet } from "./subscription-set";

type Transition = Extract<ServerMessage, { type: "transition" }>;

/** A transition as the server sends it: each update gets a hash unless it names one. */
const transition = (fromVersion: number, toVersion: number, updates: UnhashedUpdate[]): Transition =>
  withHashes({ type: "transition", fromVersion, toVersion, updates }) as Transition;

describe("SubscriptionSet", () => {
  it("shares one server subscription between identical queries, whatever the key order", () => {
    const set = new SubscriptionSet();
    const a = set.add("tasks:list", { list: "inbox", limit: 10 });
    const b = set.add("tasks:list", { limit: 10, list: "inbox" });
    expect(a.messages).toEqual([
      { type: "subscribe", id: "q1", query: "tasks:list", args: { list: "inbox", limit: 10 } },
    ]);
    expect(b.messages).toEqual([]);
    expect(b.token).toBe(a.token);
    expect(set.size).toBe(1);

    const other = set.add("tasks:list", { list: "done", limit: 10 });
    expect(other.messages).toEqual([expect.objectContaining({ type: "subscribe", id: "q2" })]);

    // Only the last listener to leave unsubscribes.
    expect(set.remove(a.token)).toEqual([]);
    expect(set.remove(b.token)).toEqual([{ type: "unsubscribe", id: "q1" }]);
    expect(set.remove(b.token)).toEqual([]);
    // Subscribing again gets a new id, so a late update for q1 cannot land on it.
    expect(set.add("tasks:list", { list: "inbox", limit: 10 }).messages).toEqual([
      expect.objectContaining({ id: "q3" }),
    ]);
  });

  it("applies transitions in order and ignores stale ones", () => {
    const set = new SubscriptionSet();
    const { token } = set.add("tasks:list", {});
    expect(set.onTransition(transition(0, 3, [{ id: "q1", value: ["a"] }]))).toEqual({
      kind: "applied",
      changed: [token],
    });
    expect(set.onTransition(transition(3, 5, [{ id: "q1", value: ["a", "b"] }]))).toEqual({
      kind: "applied",
      changed: [token],
    });
    // A re-delivered older transition would show something older than what was shown.
    expect(set.onTransition(transition(0, 3, [{ id: "q1", value: ["a"] }]))).toEqual({ kind: "stale" });
    expect(set.result(token)).toEqual({ status: "value", value: ["a", "b"], stale: false });
    expect(set.version).toBe(5);
  });

  it("takes a duplicate of the latest transition as a no-op", () => {
    const set = new SubscriptionSet();
    const { token } = set.add("tasks:list", {});
    set.onTransition(transition(0, 4, [{ id: "q1", value: [1] }]));
    const shown = set.result(token);
    expect(set.onTransition(transition(0, 4, [{ id: "q1", value: [1] }]))).toEqual({
      kind: "applied",
      changed: [],
    });
    expect(set.result(token)).toBe(shown);
  });

  it("reports a gap when a transition starts past the version it holds", () => {
    const set = new SubscriptionSet();
    const { token } = set.add("tasks:list", {});
    set.onTransition(transition(0, 2, [{ id: "q1", value: 1 }]));
    expect(set.onTransition(transition(4, 6, [{ id: "q1", value: 3 }]))).toEqual({ kind: "gap" });
    expect(set.result(token)).toMatchObject({ value: 1 });
  });

  it("applies a new subscription's first result at the version already held", () => {
    const set = new SubscriptionSet();
    set.add("tasks:list", {});
    set.onTransition(transition(0, 7, [{ id: "q1", value: [] }]));
    const { token } = set.add("tasks:count", {});
    expect(set.onTransition(transition(7, 7, [{ id: "q2", value: 0 }]))).toEqual({
      kind: "applied",
      changed: [token],
    });
  });

  it("drops updates for ids it no longer holds, and shows errors per query", () => {
    const set = new SubscriptionSet();
    const a = set.add("tasks:list", {});
    const b = set.add("tasks:get", { id: "x" });
    set.remove(a.token);
    const outcome = set.onTransition(
      transition(0, 1, [
        { id: "q1", value: [] },
        { id: "q2", error: { code: "NOT_FOUND", message: "no task x" } },
      ]),
    );
    expect(outcome).toEqual({ kind: "applied", changed: [b.token] });
    const result = set.result(b.token);
    expect(result?.status === "error" && result.error).toMatchObject({
      code: "NOT_FOUND",
      message: "no task x",
    });
  });

  it("keeps results visible, marked stale, across a reconnect and re-subscribes everything", () => {
    const set = new SubscriptionSet();
    const a = set.add("tasks:list", { list: "a" });
    const b = set.add("tasks:list", { list: "b" });
    set.onTransition(
      transition(0, 10, [
        { id: "q1", value: ["x"] },
        { id: "q2", value: ["y"] },
      ]),
    );

    expect(set.onDisconnect().sort()).toEqual([a.token, b.token].sort());
    expect(set.result(a.token)).toEqual({ status: "value", value: ["x"], stale: true });

    expect(set.messagesForReconnect()).toEqual([
      {
        type: "subscribe",
        id: "q1",
        query: "tasks:list",
        args: { list: "a" },
        hash: fakeHash({ value: ["x"] }),
      },
      {
        type: "subscribe",
        id: "q2",
        query: "tasks:list",
        args: { list: "b" },
        hash: fakeHash({ value: ["y"] }),
      },
    ]);
    // The new connection starts afresh, so its first transition may start anywhere; q2, which
    // the server did not re-send (its hash matched), is current again too.
    expect(set.onTransition(transition(0, 12, [{ id: "q1", value: ["x", "z"] }]))).toEqual({
      kind: "applied",
      changed: [a.token, b.token],
    });
    expect(set.result(a.token)).toEqual({ status: "value", value: ["x", "z"], stale: false });
    expect(set.result(b.token)).toEqual({ status: "value", value: ["y"], stale: false });
    // An unchanged result re-delivered anyway (a server that ignores hashes) changes nothing.
    expect(set.onTransition(transition(12, 12, [{ id: "q2", value: ["y"] }]))).toEqual({
      kind: "applied",
      changed: [],
    });
    expect(set.result(b.token)).toEqual({ status: "value", value: ["y"], stale: false });
  });

  it("re-subscribes with the hash it holds, keeps an unchanged result and takes a changed one", () => {
    const set = new SubscriptionSet();
    const a = set.add("tasks:list", { list: "a" });
    const b = set.add("tasks:list", { list: "b" });
    const c = set.add("tasks:get", { id: "gone" });
    set.onTransition(
      transition(0, 10, [
        { id: "q1", value: ["x"], hash: "ha" },
        { id: "q2", value: ["y"], hash: "hb" },
        { id: "q3", error: { code: "NOT_FOUND", message: "no task" }, hash: "hc" },
      ]),
    );
    set.onDisconnect();
    // Added while offline: it holds nothing, so it has no hash to send.
    const d = set.add("tasks:count", {});
    expect(set.messagesForReconnect()).toEqual([
      { type: "subscribe", id: "q1", query: "tasks:list", args: { list: "a" }, hash: "ha" },
      { type: "subscribe", id: "q2", query: "tasks:list", args: { list: "b" }, hash: "hb" },
      { type: "subscribe", id: "q3", query: "tasks:get", args: { id: "gone" }, hash: "hc" },
      { type: "subscribe", id: "q4", query: "tasks:count", args: {} },
    ]);
    // Held results stay shown (stale) until the new connection's first transition...
    expect(set.result(a.token)).toMatchObject({ value: ["x"], stale: true });
    // ...which carries only what changed (q2 and the new q4); q1 and q3 are current as held.
    const outcome = set.onTransition(
      transition(0, 15, [
        { id: "q2", value: ["y", "z"], hash: "hb2" },
        { id: "q4", value: 3, hash: "hd" },
      ]),
    );
    expect(outcome.kind === "applied" && [...outcome.changed].sort()).toEqual(
      [a.token, b.token, c.token, d.token].sort(),
    );
    expect(set.result(a.token)).toEqual({ status: "value", value: ["x"], stale: false });
    expect(set.result(b.token)).toEqual({ status: "value", value: ["y", "z"], stale: false });
    expect(set.result(c.token)).toMatchObject({ status: "error", stale: false });
    expect(set.result(d.token)).toEqual({ status: "value", value: 3, stale: false });
    // The next reconnect sends the newest hashes.
    set.onDisconnect();
    expect(set.messagesForReconnect().map((m) => m.type === "subscribe" && m.hash)).toEqual([
      "ha",
      "hb2",
      "hc",
      "hd",
    ]);
  });

  it("sends no hash for a result that is not the server's", () => {
    const set = new SubscriptionSet();
    set.add("tasks:list", {});
    set.onTransition(transition(0, 1, [{ id: "q1", value: [], hash: "h1" }]));
    set.onQueryError("q1", new OrreryClientError("UNKNOWN_ID", "gone"));
    set.onDisconnect();
    expect(set.messagesForReconnect()).toEqual([
      { type: "subscribe", id: "q1", query: "tasks:list", args: {} },
    ]);
  });

  it("never goes back past a version seen on an earlier connection", () => {
    const set = new SubscriptionSet();
    const { token } = set.add("tasks:list", {});
    set.onTransition(transition(0, 10, [{ id: "q1", value: "new" }]));
    set.onDisconnect();
    set.messagesForReconnect();
    expect(set.onTransition(transition(0, 8, [{ id: "q1", value: "old" }]))).toEqual({ kind: "stale" });
    expect(set.result(token)).toMatchObject({ value: "new", stale: true });
  });

  it("decodes tagged values", () => {
    const set = new SubscriptionSet();
    const { token } = set.add("counters:get", { id: { $int64: "5" } });
    set.onTransition(transition(0, 1, [{ id: "q1", value: { n: { $int64: "9007199254740993" } } }]));
    expect(set.result(token)).toMatchObject({ value: { n: 9007199254740993n } });
    expect(set.entries()[0]?.decodedArgs).toEqual({ id: 5n });
  });
});
