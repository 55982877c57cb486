import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { fromEnv, queueSender, type WorkerEnv } from "@orrery/cloudflare";
import { mysql } from "@orrery/cloudflare/mysql";
import { postgres } from "@orrery/cloudflare/postgres";
import { type OutboxEnvelope, relayGlobalOutbox } from "@orrery/store";
import { eventually } from "@orrery/test-harness/eventually";
import { afterEach, describe, expect, it } from "vitest";
import { app } from "../src/app";
import { databaseDown, databaseUp, direct, engine, placeholder, quote } from "./database";

const call = async (namespace: string, path: string, body: unknown = {}) => {
  const response = await exports.default.fetch(`http://orrery.test/api/${namespace}/${path}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  return (await response.json()) as { value?: unknown; error?: { code: string; message: string } };
};
const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** The namespace's rows of the external outbox, straight from the database. */
const outboxRows = (namespace: string) =>
  direct<{ id: string; topic: string; sent_at: string | number | null }>(
    `SELECT ${quote("id")}, ${quote("topic")}, ${quote("sent_at")} FROM ${quote("_orrery_global_outbox")} WHERE ${quote("namespace")} = ${placeholder(1)}`,
    [namespace],
  );

const orderEvents = async (namespace: string, orderId: unknown) =>
  (await call(namespace, "queries/orderEvents:byOrder", { orderId })).value as { messageId: string }[];

// The Worker env, as Orrery reads it (bindings by name).
const workerEnv = env as unknown as WorkerEnv;
/** The example's `.global()` backend of this run, as the worker builds it. */
const globalExec = () => fromEnv({ postgres: postgres(), mysql: mysql() })(workerEnv, app.schema).exec;
const sendToQueue = queueSender(workerEnv, { queue: "ORRERY_OUTBOX", topics: {} });

afterEach(() => databaseUp());

describe(`the external outbox on ${engine()}`, () => {
  it("a message relayed by a poller that dies between sending and marking is sent again by the next; the consumer makes one effect of it", async () => {
    const namespace = unique("outbox");
    const { value: orderId } = await call(namespace, "mutations/orders:upsert", {
      customer: "acme",
      total: 12.5,
      status: "open",
    });
    const [row] = await outboxRows(namespace);
    expect(row).toMatchObject({ topic: "orders", sent_at: null });
    const messageId = row!.id;

    // Poller 1 sends to the real Queue, then dies before it marks anything: it never returns,
    // and holds its lease until the lease runs out.
    const firstSends: string[] = [];
    void relayGlobalOutbox({
      exec: globalExec(),
      leaseMs: 1500,
      send: async (page) => {
        firstSends.push(...page.map((message) => message.id));
        await sendToQueue(page);
        await new Promise(() => undefined);
      },
    });
    const delivered = await eventually("the first delivery's effect", async () => {
      const events = await orderEvents(namespace, orderId);
      return events.length > 0 ? events : undefined;
    });
    expect(firstSends).toContain(messageId);
    expect(delivered.map((event) => event.messageId)).toEqual([messageId]);
    expect((await outboxRows(namespace))[0]?.sent_at).toBeNull();

    // Poller 2, once the lease expired, finds the message unmarked and sends it again: this
    // time into the worker's queue handler directly, so the test sees it acked.
    await eventually("the dead poller's lease to expire", async () => {
      const resent: OutboxEnvelope[] = [];
      const result = await relayGlobalOutbox({
        exec: globalExec(),
        send: async (page) => {
          resent.push(...page);
        },
      });
      if (result.busy) return undefined;
      const again = resent.filter((message) => message.id === messageId);
      expect(again).toHaveLength(1);
      const batch = createMessageBatch("orrery-outbox", [
        { id: "redelivery", timestamp: Date.now(), attempts: 1, body: again[0] },
      ]);
      const context = createExecutionContext();
      const { default: worker } = await import("../src/index");
      await worker.queue(batch, env, context);
      expect(await getQueueResult(batch, context)).toMatchObject({
        explicitAcks: ["redelivery"],
        retryMessages: [],
      });
      return true;
    });
    expect((await outboxRows(namespace))[0]?.sent_at).not.toBeNull();
    // Delivered twice, one effect.
    expect((await orderEvents(namespace, orderId)).map((event) => event.messageId)).toEqual([messageId]);
    // The projection itself deduplicates on the message id, beyond the request log's window.
    const envelope = { id: messageId, topic: "orders", namespace, commitVersion: 1, seq: 0, publishedAt: 0 };
    const payload = { orderId, customer: "acme", total: 12.5, status: "open" };
    expect(await call(namespace, "mutations/orderEvents:record", { ...envelope, payload })).toEqual({
      value: false,
      commitVersion: expect.any(Number),
    });
    expect(await orderEvents(namespace, orderId)).toHaveLength(1);
  });

  it("a mutation whose transaction never lands publishes nothing", async () => {
    const namespace = unique("rollback");
    await databaseDown();
    const failed = await call(namespace, "mutations/orders:upsert", {
      customer: "kim",
      total: 1,
      status: "open",
    });
    expect(failed.error).toMatchObject({ code: "UNAVAILABLE" });
    await databaseUp();
    expect(await outboxRows(namespace)).toEqual([]);
    // The next one lands with its one message.
    await call(namespace, "mutations/orders:upsert", { customer: "kim", total: 2, status: "open" });
    expect(await outboxRows(namespace)).toHaveLength(1);
  });
});
