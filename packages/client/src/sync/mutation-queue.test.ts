import { describe, expect, it } from "vitest";
import { MutationQueue } from "./mutation-queue";

const ids = () => {
  let n = 0;
  return () => `m${++n}`;
};

const ok = (requestId: string, commitVersion: number, value: null | number | string = null) =>
  ({ type: "mutationResult", requestId, ok: true, value, commitVersion }) as const;

describe("MutationQueue", () => {
  it("makes a random requestId by default", () => {
    const queue = new MutationQueue();
    const a = queue.enqueue("tasks:add", {});
    const b = queue.enqueue("tasks:add", {});
    expect(a.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.requestId).not.toBe(b.requestId);
  });

  it("re-sends every unanswered mutation on each (re)connect with the same requestId, in order", () => {
    const queue = new MutationQueue(ids());
    const first = queue.enqueue("tasks:add", { text: "a" });
    expect(first.message).toEqual({
      type: "mutate",
      requestId: "m1",
      mutation: "tasks:add",
      args: { text: "a" },
    });
    queue.enqueue("tasks:add", { text: "b" });

    const connect = queue.messagesForReconnect();
    expect(connect).toEqual([
      { type: "mutate", requestId: "m1", mutation: "tasks:add", args: { text: "a" } },
      { type: "mutate", requestId: "m2", mutation: "tasks:add", args: { text: "b" } },
    ]);
    // The connection drops before any answer: the next connection gets the very same frames.
    expect(queue.messagesForReconnect()).toEqual(connect);
    expect(queue.pendingCount).toBe(2);
  });

  it("fails at once on an error result", () => {
    const queue = new MutationQueue(ids());
    queue.enqueue("tasks:add", {});
    const { completed } = queue.onResult(
      { type: "mutationResult", requestId: "m1", ok: false, error: { code: "CONFLICT", message: "gave up" } },
      0,
    );
    expect(completed).toEqual([
      { requestId: "m1", ok: false, error: expect.objectContaining({ code: "CONFLICT" }) },
    ]);
    expect(queue.pendingCount).toBe(0);
    expect(queue.messagesForReconnect()).toEqual([]);
  });

  it("completes when a transition reaches the commit version", () => {
    const queue = new MutationQueue(ids());
    queue.enqueue("tasks:add", {});
    const { completed, messages } = queue.onResult(ok("m1", 7, "id1"), 5);
    expect(completed).toEqual([]);
    // A ping barrier, in case no query of this client changes with the commit.
    expect(messages).toEqual([{ type: "ping" }]);
    expect(queue.messagesForReconnect()).not.toContainEqual(expect.objectContaining({ type: "mutate" }));
    expect(queue.onTransition(6)).toEqual([]);
    expect(queue.onTransition(7)).toEqual([{ requestId: "m1", ok: true, value: "id1", commitVersion: 7 }]);
    expect(queue.pendingCount).toBe(0);
  });

  it("completes at once when the client already holds the commit version", () => {
    const queue = new MutationQueue(ids());
    queue.enqueue("tasks:add", {});
    expect(queue.onResult(ok("m1", 4, 1), 4)).toEqual({
      completed: [{ requestId: "m1", ok: true, value: 1, commitVersion: 4 }],
      messages: [],
    });
  });

  it("completes on the pong of the barrier ping, not an earlier one", () => {
    const queue = new MutationQueue(ids());
    queue.enqueue("tasks:add", {});
    queue.enqueue("tasks:add", {});
    queue.onResult(ok("m1", 3), 0); // ping 1
    queue.onResult(ok("m2", 4), 0); // ping 2
    expect(queue.onPong().map((c) => c.requestId)).toEqual(["m1"]);
    expect(queue.onPong().map((c) => c.requestId)).toEqual(["m2"]);
  });

  it("re-sends a barrier after a reconnect for commits not yet reflected", () => {
    const queue = new MutationQueue(ids());
    queue.enqueue("tasks:add", {});
    queue.onResult(ok("m1", 3), 0);
    expect(queue.messagesForReconnect()).toEqual([{ type: "ping" }]);
    expect(queue.onPong()).toEqual([expect.objectContaining({ requestId: "m1", ok: true })]);
  });

  it("ignores a second answer to the same request (a resend racing the first reply)", () => {
    const queue = new MutationQueue(ids());
    queue.enqueue("tasks:add", {});
    queue.onResult(ok("m1", 3), 0);
    expect(queue.onResult(ok("m1", 3), 0)).toEqual({ completed: [], messages: [] });
    expect(queue.onResult(ok("nobody", 3), 0)).toEqual({ completed: [], messages: [] });
  });

  it("decodes tagged values in results", () => {
    const queue = new MutationQueue(ids());
    queue.enqueue("counters:inc", {});
    const { completed } = queue.onResult(
      { type: "mutationResult", requestId: "m1", ok: true, value: { $int64: "12" }, commitVersion: 1 },
      1,
    );
    expect(completed[0]).toMatchObject({ value: 12n });
  });
});
