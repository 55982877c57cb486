import {
  createExecutionContext,
  createScheduledController,
  evictDurableObject,
  runInDurableObject,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eventually } from "@orrery/test-harness/eventually";
import { beforeAll, describe, expect, it } from "vitest";
import { CRON_REGISTRY_NAME } from "../src";
import jobsMigrations from "./jobs-app/migrations/migrations.js";

const base = "http://notes.test/jobs";
const ns = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;

async function call<T = unknown>(namespace: string, path: string, body: unknown = {}): Promise<T> {
  const response = await exports.default.fetch(`${base}/${namespace}/${path}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { value?: T; error?: { code: string; message: string } };
  if (json.error) throw Object.assign(new Error(json.error.message), { code: json.error.code });
  return json.value as T;
}

interface JobStats {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  total: number;
  crons: { cron: string; status: string }[];
  others: { name: string; status: string; attempts: number; lastError?: { code: string; message: string } }[];
}
const stats = (namespace: string) => call<JobStats>(namespace, "queries/jobs:jobs");

// The jobs app's D1 database gets the migrations its objects apply (wrangler d1 migrations apply).
beforeAll(async () => {
  for (const text of Object.values(jobsMigrations.migrations))
    for (const statement of text.split("--> statement-breakpoint"))
      await env.JOBS_DB.prepare(
        statement.replace(/^CREATE (TABLE|INDEX) /, "CREATE $1 IF NOT EXISTS "),
      ).run();
});

const store = (namespace: string) => env.JOBS_STORE.getByName(namespace);
const alarmOf = (namespace: string) =>
  runInDurableObject(store(namespace), (_instance, state) => state.storage.getAlarm());
const countRows = (namespace: string, table: string) =>
  runInDurableObject(
    store(namespace),
    (_instance, state) =>
      (state.storage.sql.exec(`SELECT COUNT(*) AS n FROM "${table}"`).one() as { n: number }).n,
  );

describe("the scheduler in a namespace's Durable Object", () => {
  it("a mutation that schedules and then throws schedules nothing: no job, and no alarm before the daily cron's", async () => {
    const namespace = ns("throw");
    await expect(call(namespace, "mutations/jobs:scheduleThenThrow", { key: "k" })).rejects.toMatchObject({
      code: "INTERNAL",
      message: "changed my mind",
    });
    const after = await stats(namespace);
    expect(after).toMatchObject({
      pending: 0,
      succeeded: 0,
      total: 1,
      crons: [{ cron: "daily sweep", status: "pending" }],
    });
    expect(await alarmOf(namespace)).toBeGreaterThan(Date.now() + 23 * 60 * 60 * 1000);
    expect(await call(namespace, "queries/jobs:runs", { key: "k" })).toEqual([]);
  });

  it("1,000 jobs with random delays of up to 3 s all run, each once, across an eviction of the object mid-way", async () => {
    const namespace = ns("thousand");
    const delaysMs = Array.from({ length: 1000 }, () => Math.floor(Math.random() * 3000));
    for (let from = 0; from < delaysMs.length; from += 250) {
      await call(namespace, "mutations/jobs:scheduleMany", {
        key: "k",
        delaysMs: delaysMs.slice(from, from + 250),
        first: from,
      });
    }
    const before = await eventually("a first part of the jobs to run", async () => {
      const now = await stats(namespace);
      return now.succeeded >= 100 ? now : undefined;
    });
    expect(before.succeeded).toBeLessThan(1000);
    await evictDurableObject(store(namespace));
    // Finished jobs are deleted 3 s after they finish here, so what ran is read from `runs`.
    await eventually(
      "every job to run",
      async () => {
        const now = await stats(namespace);
        return now.pending + now.running === 0 ? now : undefined;
      },
      60_000,
    );
    const runs = await call<{ n: number }[]>(namespace, "queries/jobs:runs", { key: "k" });
    // Each job once: a run of each of the 1,000, and not one more.
    expect(runs).toHaveLength(1000);
    expect(new Set(runs.map((run) => run.n)).size).toBe(1000);
  });

  it("a job that throws is retried with backoff, then marked failed with its error", async () => {
    const namespace = ns("fails");
    const id = await call<string>(namespace, "mutations/jobs:scheduleFailing", {
      why: "the printer is on fire",
    });
    const failed = await eventually("the job to fail", async () => {
      const { others } = await stats(namespace);
      return others.find((job) => job.status === "failed");
    });
    expect(id).toHaveLength(26);
    expect(failed).toMatchObject({
      name: "jobs:alwaysFails",
      attempts: 3,
      lastError: { code: "INTERNAL", message: "the printer is on fire" },
    });
  });
});

describe("the home outbox", () => {
  it("a message published with plain-table writes is relayed from the alarm to the Queue and consumed once; a rolled-back one is not published", async () => {
    const namespace = ns("outbox");
    await expect(
      call(namespace, "mutations/jobs:publish", { topic: "job-events", payload: { n: 0 }, fail: true }),
    ).rejects.toMatchObject({ message: "rolled back" });
    const id = await call<string>(namespace, "mutations/jobs:publish", {
      topic: "job-events",
      payload: { n: 1 },
    });
    const inbox = await eventually("the consumer to receive it", async () => {
      const rows = await call<{ messageId: string; payload: unknown }[]>(namespace, "queries/jobs:inbox");
      return rows.length > 0 ? rows : undefined;
    });
    expect(inbox).toEqual([
      expect.objectContaining({ messageId: id, topic: "job-events", payload: { n: 1 } }),
    ]);
    expect(await countRows(namespace, "_orrery_outbox")).toBe(1);
  });

  it("refuses a topic the Worker has no Queue for, naming the binding", async () => {
    const namespace = ns("no-queue");
    await expect(
      call(namespace, "mutations/jobs:publish", { topic: "unrouted", payload: 1 }),
    ).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining('the Worker has no Queue binding "NO_SUCH_QUEUE"'),
    });
    expect(await countRows(namespace, "_orrery_outbox")).toBe(0);
  });
});

describe("bounded", () => {
  it("finished jobs and sent messages are deleted after their retention, from the alarm", async () => {
    const namespace = ns("bounded");
    await call(namespace, "mutations/jobs:scheduleMany", { key: "b", delaysMs: Array(50).fill(0) });
    await call(namespace, "mutations/jobs:publish", { topic: "job-events", payload: "bye" });
    await eventually("the jobs to run", async () =>
      (await stats(namespace)).succeeded === 50 ? true : undefined,
    );
    expect(await countRows(namespace, "_orrery_jobs")).toBe(51);
    // Retentions here: 3 s for jobs, 2 s for messages; the alarm wakes for them.
    await eventually("the finished jobs and sent messages to be deleted", async () => {
      const jobs = await countRows(namespace, "_orrery_jobs");
      const messages = await countRows(namespace, "_orrery_outbox");
      return jobs === 1 && messages === 0 ? true : undefined;
    });
    expect((await stats(namespace)).crons).toEqual([{ cron: "daily sweep", status: "pending" }]);
  });
});

describe("crons", () => {
  it("the Cron Trigger brings up the namespace a cron is pinned to, which then runs it from its alarm; stale registrations are synced", async () => {
    const fresh = ns("registered");
    await stats(fresh); // starts it: it plans the per-namespace cron and registers
    const registry = env.JOBS_STORE.getByName(CRON_REGISTRY_NAME);
    const recorded = (namespace: string) =>
      runInDurableObject(registry, (_instance, state) => state.storage.get<string>(`crons:${namespace}`));
    const version = await eventually("the namespace to register", () => recorded(fresh));
    const stale = ns("stale");
    await stats(stale);
    await eventually("the second namespace to register", () => recorded(stale));
    await runInDurableObject(registry, (_instance, state) =>
      state.storage.put(`crons:${stale}`, "an older deploy"),
    );

    const { default: worker } = await import("./worker");
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, createExecutionContext());
    expect(await recorded(stale)).toBe(version);
    expect(await recorded("beat-home")).toBe(version);
    const beats = await eventually("the heartbeat to run twice", async () => {
      const runs = await call<unknown[]>("beat-home", "queries/jobs:runs", { key: "beat" });
      return runs.length >= 2 ? runs : undefined;
    });
    expect(beats.length).toBeGreaterThanOrEqual(2);
    const { crons } = await stats("beat-home");
    expect(
      crons
        .filter((run) => run.status === "pending")
        .map((run) => run.cron)
        .sort(),
    ).toEqual(["daily sweep", "heartbeat"]);
    // The registry's own instance is no namespace.
    await expect(call(CRON_REGISTRY_NAME, "queries/jobs:inbox")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: `the namespace "${CRON_REGISTRY_NAME}" is reserved by Orrery`,
    });
  });
});
