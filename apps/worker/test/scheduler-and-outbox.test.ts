import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eventually } from "@orrery/test-harness/eventually";
import { describe, expect, it } from "vitest";
import { signedInAs } from "./sign-in";
import { SocketClient, updateFor } from "./socket-client";

const call = async (
  namespace: string,
  path: string,
  body: unknown = {},
  headers: Record<string, string> = {},
) => {
  const response = await exports.default.fetch(`http://orrery.test/api/${namespace}/${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return (await response.json()) as { value?: unknown; error?: { code: string; message: string } };
};
const unique = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;

/** Runs the worker's Cron Trigger handler once, as a trigger would (the same module the pool runs). */
async function cronTrigger(): Promise<void> {
  const { default: worker } = await import("../src/index");
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, createExecutionContext());
}

interface JobRow {
  _id: string;
  name: string;
  status: string;
  cron?: string;
  runAt: number;
}

/** The external outbox's rows of a namespace (D1 here, beside the `.global()` orders). */
async function externalOutbox(namespace: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, topic, payload, sent_at FROM _orrery_global_outbox WHERE namespace = ? ORDER BY commit_version, seq",
  )
    .bind(namespace)
    .all<{ id: string; topic: string; payload: string; sent_at: number | null }>();
  return results;
}

describe("the scheduler in the example app", () => {
  it("a page subscribed to jobs:recent sees a job planned, then succeeded; the task it added arrives", async () => {
    const namespace = unique("jobs");
    const watcher = await SocketClient.open(namespace, { as: "ada" });
    await watcher.subscribe("jobs", "jobs:recent", {});
    await watcher.subscribe("tasks", "tasks:list", { list: "later" });
    const ada = await signedInAs("ada");
    const { value: jobId } = await call(
      namespace,
      "mutations/tasks:addLater",
      { list: "later", text: "from the scheduler", delayMs: 300 },
      ada,
    );
    const planned = await watcher.next(
      (m) => m.type === "transition" && JSON.stringify(m).includes(String(jobId)),
    );
    const plannedJob = (updateFor(planned, "jobs") as JobRow[]).find((job) => job._id === jobId);
    expect(plannedJob).toMatchObject({ name: "tasks:addDue", status: "pending" });
    // Any caller may read this list: a job's arguments (ada's task) are not in it.
    expect(plannedJob).not.toHaveProperty("args");
    expect(JSON.stringify(planned)).not.toContain("from the scheduler");
    const done = await watcher.next(
      (m) =>
        m.type === "transition" &&
        (m.updates as { id: string; value: JobRow[] }[]).some(
          (u) => u.id === "jobs" && u.value.some((job) => job._id === jobId && job.status === "succeeded"),
        ),
    );
    expect(done).toBeDefined();
    expect((await call(namespace, "queries/tasks:list", { list: "later" }, ada)).value).toMatchObject([
      { text: "from the scheduler" },
    ]);
    await watcher.close();
  });

  it("every namespace plans the per-namespace cron when it starts; the Cron Trigger brings up the one a cron is pinned to", async () => {
    const namespace = unique("crons");
    const { value: pending } = await call(namespace, "queries/jobs:pending");
    expect(pending).toMatchObject([{ cron: "hours up", name: "counters:increment", status: "pending" }]);
    await cronTrigger();
    const { value: ops } = await call("ops", "queries/jobs:pending");
    expect((ops as JobRow[]).map((job) => job.cron).sort()).toEqual(["heartbeat", "hours up"]);
    const heartbeat = (ops as JobRow[]).find((job) => job.cron === "heartbeat")!;
    expect(new Date(heartbeat.runAt).getUTCMinutes()).toBe(0);
    // Synced once: a second run of the trigger plans nothing more.
    await cronTrigger();
    expect(((await call("ops", "queries/jobs:pending")).value as JobRow[]).length).toBe(2);
  });
});

describe("the outbox in the example app (.global() orders on D1)", () => {
  it("orders:upsert writes its event in the external outbox; the Cron Trigger's poller relays it to the Queue, and the consumer projects it once", async () => {
    const namespace = unique("orders");
    const { value: orderId } = await call(namespace, "mutations/orders:upsert", {
      customer: "acme",
      total: 42,
      status: "open",
    });
    const [message, ...more] = await externalOutbox(namespace);
    expect(more).toEqual([]);
    expect(message).toMatchObject({ topic: "orders", sent_at: null });
    expect(JSON.parse(message!.payload)).toEqual({ orderId, customer: "acme", total: 42, status: "open" });

    await cronTrigger();
    expect((await externalOutbox(namespace))[0]?.sent_at).toEqual(expect.any(Number));
    const events = await eventually("the order_events projection", async () => {
      const { value } = await call(namespace, "queries/orderEvents:byOrder", { orderId });
      return (value as unknown[]).length > 0 ? (value as Record<string, unknown>[]) : undefined;
    });
    expect(events).toEqual([
      expect.objectContaining({
        messageId: message!.id,
        orderId,
        customer: "acme",
        total: 42,
        status: "open",
      }),
    ]);
  });

  it("a mutation that fails publishes nothing", async () => {
    const namespace = unique("orders");
    const missing = await call(namespace, "mutations/orders:upsert", {
      id: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
      customer: "acme",
      total: 1,
      status: "open",
    });
    expect(missing.error?.code).toBe("NOT_FOUND");
    expect(await externalOutbox(namespace)).toEqual([]);
  });
});
