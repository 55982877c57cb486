import { SYSTEM_TABLES } from "@orrery/schema";
import { describe, expect, it } from "vitest";
import { JOBS_TABLE, type ScheduledJob } from "../src/db/system-schema";
import { app } from "./scheduler-app/app";
import { flakyCalls } from "./scheduler-app/work";
import type { SchedulerFixture } from "./scheduler-fixture";
import { withScheduler } from "./scheduler-fixture";

const jobsOf = async ({ runner }: SchedulerFixture): Promise<ScheduledJob[]> =>
  (await runner.runQuery("work:jobs", {})).value as ScheduledJob[];
const runsOf = async ({ runner }: SchedulerFixture, key: string): Promise<unknown[]> =>
  (await runner.runQuery("work:runs", { key })).value as unknown[];
const farFuture = (fixture: SchedulerFixture) => fixture.clock.time + 60 * 60_000;

describe("ctx.scheduler in a mutation", () => {
  it("writes the job in the mutation's own commit: the commit's writes hold it, and it is due after the delay", async () => {
    await withScheduler(async (fixture) => {
      const { runner, clock, commits, loop } = fixture;
      const { value: id, commitVersion } = await runner.runMutation("work:schedule", {
        key: "a",
        delayMs: 5000,
      });
      const commit = commits.find((outcome) => outcome.commitVersion === commitVersion);
      expect(commit?.writes).toEqual([
        expect.objectContaining({ table: JOBS_TABLE, id, operation: "insert" }),
      ]);
      expect(await jobsOf(fixture)).toMatchObject([
        {
          _id: id,
          name: "work:record",
          kind: "mutation",
          args: { key: "a" },
          status: "pending",
          attempts: 0,
          runAt: clock.time + 5000,
        },
      ]);
      expect(await loop.nextWakeAt()).toBe(clock.time + 5000);
      expect(await loop.tick(farFuture(fixture))).toEqual({ ran: 0, more: false });
      clock.advance(5000);
      expect(await loop.tick(farFuture(fixture))).toEqual({ ran: 1, more: false });
      expect(await runsOf(fixture, "a")).toHaveLength(1);
      expect(await jobsOf(fixture)).toMatchObject([
        { _id: id, status: "succeeded", attempts: 1, startedAt: clock.time, completedAt: clock.time },
      ]);
    });
  });

  it("a mutation that schedules and then throws schedules nothing", async () => {
    await withScheduler(async (fixture) => {
      await expect(fixture.runner.runMutation("work:scheduleThenThrow", { key: "t" })).rejects.toThrow(
        "changed my mind",
      );
      expect(await jobsOf(fixture)).toEqual([]);
      expect(fixture.commits).toEqual([]);
      expect(await fixture.loop.nextWakeAt()).toBeNull();
    });
  });

  it("refuses what cannot run: a query, an unknown function, arguments that do not fit", async () => {
    await withScheduler(async ({ runner }) => {
      const schedule = (name: string, args: unknown) =>
        runner.runMutation("work:scheduleByName", { name, args });
      await expect(schedule("work:runs", { key: "a" })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: 'ctx.scheduler: "work:runs" is a query; schedule a mutation or an action',
      });
      await expect(schedule("work:nope", {})).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(schedule("work:record", { key: 1 })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "args.key: expected string, got number",
      });
      await expect(runner.runMutation("work:badDelay", {})).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("the delay must be a number"),
      });
      await expect(runner.runMutation("work:cancel", { id: "nope" })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: 'ctx.scheduler.cancel: "nope" is not a job id',
      });
      await expect(
        runner.runMutation("work:cancel", { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }),
      ).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });
  });

  it("a canceled job does not run; user code cannot write the jobs table itself", async () => {
    await withScheduler(async (fixture) => {
      const { runner, clock, loop, store } = fixture;
      const { value: id } = await runner.runMutation("work:schedule", { key: "c", delayMs: 10 });
      await runner.runMutation("work:cancel", { id: id as string });
      clock.advance(10);
      expect(await loop.tick(farFuture(fixture))).toEqual({ ran: 0, more: false });
      expect(await runsOf(fixture, "c")).toEqual([]);
      expect(await jobsOf(fixture)).toMatchObject([{ status: "canceled", completedAt: clock.time - 10 }]);
      await expect(
        store.mutate((db) =>
          (db as unknown as { insert(t: string, v: object): Promise<string> }).insert(JOBS_TABLE, {}),
        ),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    });
  });
});

describe("running jobs", () => {
  it("a scheduled mutation runs once, under its job id as request id, however often the loop ticks", async () => {
    await withScheduler(async (fixture) => {
      const { runner, loop, exec } = fixture;
      const ids = [];
      for (let i = 0; i < 20; i++)
        ids.push((await runner.runMutation("work:schedule", { key: "once", delayMs: i })).value);
      fixture.clock.advance(100);
      await Promise.all([loop.tick(farFuture(fixture)), loop.tick(farFuture(fixture))]);
      await loop.tick(farFuture(fixture));
      expect(await runsOf(fixture, "once")).toHaveLength(20);
      const r = SYSTEM_TABLES.requests;
      const { rows } = await exec.run({
        sql: `SELECT ${r.columns.requestId} FROM ${r.name} WHERE ${r.columns.requestId} LIKE '["scheduler",%'`,
        params: [],
      });
      expect(rows.map((row) => JSON.parse(String(row[r.columns.requestId]))[1]).sort()).toEqual(
        [...ids].sort(),
      );
    });
  });

  it("a job that throws is retried with growing waits, then marked failed with its error", async () => {
    await withScheduler(
      async (fixture) => {
        const { loop, clock } = fixture;
        const key = `flaky-${crypto.randomUUID()}`;
        const { value: id } = await fixture.store.mutate(async (_db, attempt) =>
          attempt.system.insert(JOBS_TABLE, {
            name: "work:flaky",
            kind: "mutation",
            args: { key, failures: 10 },
            status: "pending",
            runAt: clock.time,
            attempts: 0,
          }),
        );
        const waits: number[] = [];
        for (let attempt = 1; attempt <= 3; attempt++) {
          expect((await loop.tick(farFuture(fixture))).ran).toBe(1);
          const [job] = await jobsOf(fixture);
          if (attempt < 3) {
            expect(job).toMatchObject({ _id: id, status: "pending", attempts: attempt });
            expect(job?.lastError).toEqual({
              code: "INTERNAL",
              message: `flaky failure ${attempt} of ${key}`,
            });
            waits.push(job!.runAt - clock.time);
            clock.advance(job!.runAt - clock.time);
          } else {
            expect(job).toMatchObject({
              status: "failed",
              attempts: 3,
              completedAt: clock.time,
              lastError: { code: "INTERNAL", message: `flaky failure 3 of ${key}` },
            });
          }
        }
        expect(waits).toEqual([100, 200]);
        expect(flakyCalls.get(key)).toBe(3);
        expect(await loop.tick(farFuture(fixture))).toEqual({ ran: 0, more: false });
      },
      { retry: { maxAttempts: 3, initialDelayMs: 100 } },
    );
  });

  it("a failure that is the function's own verdict fails the job at once", async () => {
    await withScheduler(async (fixture) => {
      await fixture.store.mutate((_db, attempt) =>
        attempt.system.insert(JOBS_TABLE, {
          name: "work:missing",
          kind: "mutation",
          args: { key: "k" },
          status: "pending",
          runAt: fixture.clock.time,
          attempts: 0,
        }),
      );
      await fixture.loop.tick(farFuture(fixture));
      expect(await jobsOf(fixture)).toMatchObject([
        { status: "failed", attempts: 1, lastError: { code: "NOT_FOUND", message: 'no thing "k"' } },
      ]);
    });
  });

  it("an action runs at least once: a run cut off by a restart is found running and run again", async () => {
    await withScheduler(async (fixture) => {
      const { store, clock } = fixture;
      const { value: id } = await store.mutate((_db, attempt) =>
        attempt.system.insert(JOBS_TABLE, {
          name: "work:act",
          kind: "action",
          args: { key: "act", next: "after" },
          status: "pending",
          runAt: clock.time,
          attempts: 0,
        }),
      );
      // As if an instance had marked it running and died before finishing.
      await store.mutate((_db, attempt) =>
        attempt.system.patch(JOBS_TABLE, id, { status: "running", attempts: 1, startedAt: clock.time }),
      );
      const { loop } = fixture.restart();
      expect(await loop.nextWakeAt()).toBe(clock.time);
      await loop.tick(farFuture(fixture));
      const [job] = (await jobsOf(fixture)).filter((j) => j._id === id);
      expect(job).toMatchObject({ status: "pending", attempts: 1, lastError: { code: "UNAVAILABLE" } });
      clock.advance(job!.runAt - clock.time);
      await loop.tick(farFuture(fixture));
      expect(await runsOf(fixture, "act")).toHaveLength(1);
      // What the action scheduled with ctx.scheduler committed at once and ran in the same tick.
      expect(await runsOf(fixture, "after")).toHaveLength(1);
      expect((await jobsOf(fixture)).find((j) => j._id === id)).toMatchObject({
        status: "succeeded",
        attempts: 2,
      });
    });
  });
});

describe("crons", () => {
  it("plans one run per declared cron, plans the next when one ends, and replaces runs of crons that changed or went", async () => {
    await withScheduler(
      async (fixture) => {
        const { loop, clock } = fixture;
        // "nightly" is pinned to the "ops" namespace; this one has only the per-namespace "tick".
        expect(await loop.syncCrons(app.cronsFor(fixture.store.namespace))).toBe(1);
        expect(await loop.syncCrons(app.cronsFor(fixture.store.namespace))).toBe(0);
        const [first] = await jobsOf(fixture);
        expect(first).toMatchObject({
          cron: "tick",
          name: "work:record",
          status: "pending",
          runAt: clock.time + 60_000,
        });
        clock.advance(60_000);
        await loop.tick(farFuture(fixture));
        const after = await jobsOf(fixture);
        expect(after.map((j) => [j.cron, j.status, j.runAt])).toEqual([
          ["tick", "succeeded", clock.time],
          ["tick", "pending", clock.time + 60_000],
        ]);
        // A late wake-up runs once and keeps the phase: missed runs are not made up.
        clock.advance(5 * 60_000 + 10);
        await loop.tick(farFuture(fixture));
        expect((await jobsOf(fixture)).filter((j) => j.status === "pending").map((j) => j.runAt)).toEqual([
          clock.time - 10 + 60_000,
        ]);
        // The cron is no longer declared: its planned run is canceled.
        expect(await loop.syncCrons([])).toBe(1);
        expect((await jobsOf(fixture)).filter((j) => j.status === "pending")).toEqual([]);
      },
      { namespace: "crons-test" },
    );
  });

  it("in its pinned namespace a cron runs there, and only there", async () => {
    await withScheduler(
      async (fixture) => {
        await fixture.loop.syncCrons(app.cronsFor(fixture.store.namespace));
        const planned = (await jobsOf(fixture)).map((j) => j.cron).sort();
        expect(planned).toEqual(["nightly", "tick"]);
        const nightly = (await jobsOf(fixture)).find((j) => j.cron === "nightly");
        expect(new Date(nightly!.runAt).toISOString()).toBe("2026-01-02T03:00:00.000Z");
      },
      { namespace: "ops" },
    );
  });
});

describe("bounded", () => {
  it("finished jobs are deleted once older than the retention; the loop wakes for it", async () => {
    await withScheduler(
      async (fixture) => {
        const { runner, loop, clock } = fixture;
        for (let i = 0; i < 250; i++) await runner.runMutation("work:schedule", { key: "p", delayMs: 0 });
        await loop.tick(farFuture(fixture));
        expect(await jobsOf(fixture)).toHaveLength(250);
        expect(await loop.nextWakeAt()).toBe(clock.time + 1000);
        clock.advance(999);
        expect(await loop.prune(farFuture(fixture))).toEqual({ pruned: 0, more: false });
        clock.advance(2);
        expect(await loop.prune(farFuture(fixture))).toEqual({ pruned: 250, more: false });
        expect(await jobsOf(fixture)).toEqual([]);
        expect(await loop.nextWakeAt()).toBeNull();
      },
      { retentionMs: 1000 },
    );
  });
});
