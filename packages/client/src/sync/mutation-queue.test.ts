import { describe, expect, it } from "vitest";
import { OrreryClientError } from "../client-error";
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

  describe("OUTCOME_UNKNOWN", () => {
    const unknown = (requestId: string) =>
      ({
        type: "mutationResult",
        requestId,
        ok: false,
        error: { code: "OUTCOME_UNKNOWN", message: "retry with the same request id" },
      }) as const;
    const setup = () => {
      const clock = { now: 1_000 };
      const queue = new MutationQueue(ids(), "client-1", { now: () => clock.now });
      const { message } = queue.enqueue("tasks:add", { text: "a" });
      return { clock, queue, message };
    };

    it("keeps the mutation pending and re-sends it with the same requestId and clientId once due", () => {
      const { clock, queue, message } = setup();
      expect(message).toEqual({
        type: "mutate",
        requestId: "m1",
        mutation: "tasks:add",
        args: { text: "a" },
        clientId: "client-1",
      });
      expect(queue.onResult(unknown("m1"), 0)).toEqual({ completed: [], messages: [], resendAfterMs: 500 });
      expect(queue.pendingCount).toBe(1);
      expect(queue.has("m1")).toBe(true);

      clock.now += 499;
      expect(queue.resendDue()).toEqual({ messages: [], resendAfterMs: 1 });
      clock.now += 1;
      expect(queue.resendDue()).toEqual({ messages: [message] });
      // Sent: nothing more is due until it is answered.
      expect(queue.resendDue()).toEqual({ messages: [] });

      expect(queue.onResult(ok("m1", 3, "t1"), 3).completed).toEqual([
        { requestId: "m1", ok: true, value: "t1", commitVersion: 3 },
      ]);
      // Completed once: a late duplicate answer changes nothing.
      expect(queue.onResult(ok("m1", 3, "t1"), 3)).toEqual({ completed: [], messages: [] });
      expect(queue.pendingCount).toBe(0);
    });

    it("backs off further on each OUTCOME_UNKNOWN, doubling to a cap of 10 s", () => {
      const { clock, queue } = setup();
      const delays: number[] = [];
      for (let i = 0; i < 7; i++) {
        const { resendAfterMs } = queue.onResult(unknown("m1"), 0);
        delays.push(resendAfterMs!);
        clock.now += resendAfterMs!;
        expect(queue.resendDue().messages).toHaveLength(1);
      }
      expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
      expect(queue.pendingCount).toBe(1);
    });

    it("re-sends at once on a reconnect, in call order, keeping the backoff count", () => {
      const { clock, queue, message } = setup();
      const second = queue.enqueue("tasks:add", { text: "b" });
      queue.onResult(unknown("m1"), 0);
      expect(queue.messagesForReconnect()).toEqual([message, second.message]);
      // The timer that was set finds nothing left to re-send.
      clock.now += 500;
      expect(queue.resendDue()).toEqual({ messages: [] });
      expect(queue.onResult(unknown("m1"), 0).resendAfterMs).toBe(1000);
    });

    it("times several waiting mutations by the soonest, and fails them all on close", () => {
      const { clock, queue } = setup();
      queue.enqueue("tasks:add", { text: "b" });
      queue.onResult(unknown("m1"), 0);
      clock.now += 100;
      expect(queue.onResult(unknown("m2"), 0).resendAfterMs).toBe(500);
      expect(queue.resendDue()).toEqual({ messages: [], resendAfterMs: 400 });
      clock.now += 400;
      expect(queue.resendDue()).toEqual({
        messages: [expect.objectContaining({ requestId: "m1" })],
        resendAfterMs: 100,
      });
      expect(queue.failAll(new OrreryClientError("CLIENT_CLOSED", "closed"))).toHaveLength(2);
      expect(queue.resendDue()).toEqual({ messages: [] });
    });
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
