import { describe, expect, it } from "vitest";
import { OrreryClientError } from "../client-error";
import { MutationQueue } from "./mutation-queue";

const MESSAGE = "Moving to Postgres";
const refused = (requestId: string) =>
  ({
    type: "mutationResult",
    requestId,
    ok: false,
    error: { code: "MAINTENANCE", message: MESSAGE },
  }) as const;
const ok = (requestId: string, commitVersion: number) =>
  ({ type: "mutationResult", requestId, ok: true, value: null, commitVersion }) as const;
const mutate = (requestId: string, text: string) => ({
  type: "mutate",
  requestId,
  mutation: "tasks:add",
  args: { text },
});

function setup() {
  const clock = { now: 1_000 };
  let n = 0;
  const queue = new MutationQueue(() => `m${++n}`, undefined, { now: () => clock.now });
  return { clock, queue };
}

describe("MutationQueue under maintenance", () => {
  it("holds a refused mutation and every later one, probes with the first only, backing off", () => {
    const { clock, queue } = setup();
    queue.enqueue("tasks:add", { text: "a" });
    expect(queue.onResult(refused("m1"), 0)).toEqual({
      completed: [],
      messages: [],
      resendAfterMs: 500,
      maintenance: MESSAGE,
    });
    expect(queue.isHeld).toBe(true);
    // Made during maintenance: kept, not sent.
    expect(queue.enqueue("tasks:add", { text: "b" })).toEqual({
      requestId: "m2",
      message: null,
      resendAfterMs: 500,
    });
    expect(queue.pendingCount).toBe(2);

    clock.now += 499;
    expect(queue.resendDue()).toEqual({ messages: [], resendAfterMs: 1 });
    clock.now += 1;
    expect(queue.resendDue()).toEqual({ messages: [mutate("m1", "a")] });
    // One probe at a time.
    expect(queue.resendDue()).toEqual({ messages: [] });
    // Refused again: the wait doubles.
    expect(queue.onResult(refused("m1"), 0).resendAfterMs).toBe(1000);
    clock.now += 1000;
    expect(queue.resendDue()).toEqual({ messages: [mutate("m1", "a")] });

    // The probe passes: maintenance is over, the rest follows in call order.
    expect(queue.onResult(ok("m1", 5), 5)).toEqual({
      completed: [{ requestId: "m1", ok: true, value: null, commitVersion: 5 }],
      messages: [mutate("m2", "b")],
      released: true,
    });
    expect(queue.isHeld).toBe(false);
    expect(queue.enqueue("tasks:add", { text: "c" }).message).toEqual(mutate("m3", "c"));
  });

  it("a refusal of a mutation sent before the hold began does not push the probe back", () => {
    const { clock, queue } = setup();
    queue.enqueue("tasks:add", { text: "a" });
    queue.enqueue("tasks:add", { text: "b" });
    queue.onResult(refused("m1"), 0);
    clock.now += 100;
    expect(queue.onResult(refused("m2"), 0).resendAfterMs).toBe(400);
    clock.now += 400;
    expect(queue.resendDue().messages).toEqual([mutate("m1", "a")]);
  });

  it("any answer to the probe but MAINTENANCE ends it, a failure too", () => {
    const { clock, queue } = setup();
    queue.enqueue("tasks:add", { text: "a" });
    queue.enqueue("tasks:add", { text: "b" });
    queue.onResult(refused("m1"), 0);
    queue.onResult(refused("m2"), 0);
    clock.now += 500;
    queue.resendDue();
    const failed = queue.onResult(
      {
        type: "mutationResult",
        requestId: "m1",
        ok: false,
        error: { code: "INVALID_ARGUMENT", message: "no" },
      },
      0,
    );
    expect(failed.released).toBe(true);
    expect(failed.messages).toEqual([mutate("m2", "b")]);
    expect(failed.completed).toEqual([
      { requestId: "m1", ok: false, error: new OrreryClientError("INVALID_ARGUMENT", "no") },
    ]);
  });

  it("holds from the server's word on, releases in call order, and fails held mutations on close", () => {
    const { queue } = setup();
    queue.holdForMaintenance();
    expect(queue.enqueue("tasks:add", { text: "a" }).message).toBeNull();
    expect(queue.enqueue("tasks:add", { text: "b" }).message).toBeNull();
    expect(queue.release()).toEqual([mutate("m1", "a"), mutate("m2", "b")]);
    expect(queue.release()).toEqual([]);

    queue.holdForMaintenance();
    queue.enqueue("tasks:add", { text: "c" });
    expect(queue.failAll(new OrreryClientError("CLIENT_CLOSED", "closed"))).toHaveLength(3);
    expect(queue.isHeld).toBe(false);
  });

  it("on a reconnect under a hold, sends only a ping (the first frame decides) and holds what was in flight", () => {
    const { clock, queue } = setup();
    queue.enqueue("tasks:add", { text: "a" });
    queue.onResult(refused("m1"), 0);
    clock.now += 500;
    expect(queue.resendDue().messages).toEqual([mutate("m1", "a")]);
    // The probe's connection drops before its answer.
    expect(queue.messagesForReconnect()).toEqual([{ type: "ping" }]);
    expect(queue.release()).toEqual([mutate("m1", "a")]);
    // Without a hold, a reconnect sends every unanswered mutation and no extra ping.
    expect(queue.messagesForReconnect()).toEqual([mutate("m1", "a")]);
  });
});
