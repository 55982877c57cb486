import { expect } from "vitest";
import { CommitMarkers, MARKER_CLEANUP_EVERY } from "../../commit/cross-engine";
import type { MutationOutcome, Store } from "../../store";
import { FaultyExec } from "../faulty-exec";
import type { CaseContext, ConformanceCase } from "../harness";
import type { ConformanceSchema } from "../schema";

type Writer = Parameters<Store<ConformanceSchema>["mutate"]>[0];

/** A mutation that writes both engines: a home row (tallies) and a `.global()` row (ledger). */
function transfer(runs: { count: number }, account: string): Writer {
  return async (db) => {
    runs.count++;
    await db.insert("tallies", { name: account, value: 1n });
    return db.insert("ledger", { account, amount: 10 });
  };
}

/** Counts each table's rows for `account`, and the commit log's entries of the namespace. */
async function countsFor(store: Store<ConformanceSchema>, account: string) {
  const { value } = await store.query(async (db) => ({
    tallies: (
      await db
        .query("tallies")
        .withIndex("by_name", (q) => q.eq("name", account))
        .collect()
    ).length,
    ledger: (
      await db
        .query("ledger")
        .withIndex("by_account", (q) => q.eq("account", account))
        .collect()
    ).length,
  }));
  return { ...value, version: store.version, logged: (await store.commitsSince(0)).length };
}

/** Opens a store whose `.global()` engine fails on command, and records what its listener hears. */
async function openFaulty({ open, fixture }: CaseContext, namespace: string) {
  const faulty = new FaultyExec(fixture.globalExec!);
  const store = await open({ namespace, globalExec: faulty });
  const heard: MutationOutcome<unknown>[] = [];
  store.onCommitted((outcome) => {
    if (outcome.writes.length > 0) heard.push(outcome);
  });
  return { faulty, store, heard };
}

let counter = 0;
const freshNamespace = () => `cross-${Date.now()}-${counter++}`;

export const crossEngineCases: ConformanceCase[] = [
  {
    name: "a cross-engine commit whose reply is lost, with the database still there, lands once and answers its caller",
    crossEngine: true,
    async run(context) {
      const { faulty, store, heard } = await openFaulty(context, freshNamespace());
      const runs = { count: 0 };
      faulty.loseNextReply({ thenDown: false });
      const outcome = await store.mutate(transfer(runs, "a"), { requestId: "r1" });
      expect(outcome).toMatchObject({ commitVersion: 1, replayed: false });
      expect(await countsFor(store, "a")).toEqual({ tallies: 1, ledger: 1, version: 1, logged: 2 });
      const again = await store.mutate(transfer(runs, "a"), { requestId: "r1" });
      expect(again).toMatchObject({ value: outcome.value, commitVersion: 1, replayed: true });
      expect(runs.count).toBe(1);
      expect(heard.map((o) => o.commitVersion)).toEqual([1]);
    },
  },
  {
    name: "a cross-engine commit whose reply is lost and whose database then dies says 'outcome unknown'; the retry applies it exactly once",
    crossEngine: true,
    async run(context) {
      const { faulty, store, heard } = await openFaulty(context, freshNamespace());
      const runs = { count: 0 };
      faulty.loseNextReply({ thenDown: true });
      const first = store.mutate(transfer(runs, "b"), { requestId: "r1" });
      await expect(first).rejects.toMatchObject({ code: "OUTCOME_UNKNOWN" });
      await expect(first).rejects.toThrow(/retry with the same request id/i);
      // While it cannot be settled, nothing else commits, and the error says nothing was
      // written; the same request asking again hears that its outcome is still unknown.
      await expect(store.mutate(transfer(runs, "other"))).rejects.toMatchObject({
        code: "UNAVAILABLE",
        message: expect.stringMatching(/nothing of this one was written/),
      });
      await expect(store.mutate(transfer(runs, "b"), { requestId: "r1" })).rejects.toMatchObject({
        code: "OUTCOME_UNKNOWN",
      });
      expect(runs.count).toBe(1);
      faulty.down = false;
      const retried = await store.mutate(transfer(runs, "b"), { requestId: "r1" });
      expect(retried).toMatchObject({ commitVersion: 1, replayed: true });
      expect(runs.count).toBe(1);
      expect(await countsFor(store, "b")).toEqual({ tallies: 1, ledger: 1, version: 1, logged: 2 });
      // Subscribers hear the settled commit once, with what it wrote.
      expect(heard.map((o) => [o.commitVersion, o.writes.map((w) => w.table).sort()])).toEqual([
        [1, ["ledger", "tallies"]],
      ]);
      const next = await store.mutate(transfer(runs, "c"));
      expect(next.commitVersion).toBe(2);
    },
  },
  {
    name: "a cross-engine commit that never reached the database is known not to have landed: the error is the database's, and a retry runs it",
    crossEngine: true,
    async run(context) {
      const { faulty, store, heard } = await openFaulty(context, freshNamespace());
      const runs = { count: 0 };
      faulty.failNextBatch();
      await expect(store.mutate(transfer(runs, "d"), { requestId: "r1" })).rejects.toThrow(
        "Connection terminated unexpectedly. Nothing was written.",
      );
      // An exec that knows it never connected says so: no fence is needed to tell.
      faulty.failNextBatch({ saysSo: true });
      await expect(store.mutate(transfer(runs, "d"), { requestId: "r1" })).rejects.toMatchObject({
        code: "UNAVAILABLE",
        message: "could not connect. Nothing was written.",
      });
      expect(await countsFor(store, "d")).toEqual({ tallies: 0, ledger: 0, version: 0, logged: 0 });
      const retried = await store.mutate(transfer(runs, "d"), { requestId: "r1" });
      expect(retried).toMatchObject({ commitVersion: 1, replayed: false });
      expect(runs.count).toBe(3);
      expect(await countsFor(store, "d")).toEqual({ tallies: 1, ledger: 1, version: 1, logged: 2 });
      expect(heard).toHaveLength(1);
    },
  },
  {
    name: "a store that dies between the external and the home batch is finished by the next one, without running the handler again",
    crossEngine: true,
    async run(context) {
      const namespace = freshNamespace();
      const home = new FaultyExec(context.fixture.exec);
      const dying = await context.open({ namespace, exec: home });
      const runs = { count: 0 };
      home.failNextBatch(); // the home batch: the external one has landed by then
      await expect(dying.mutate(transfer(runs, "e"), { requestId: "r1" })).rejects.toMatchObject({
        code: "OUTCOME_UNKNOWN",
      });
      // A new instance, as after eviction: only what is stored survives.
      const revived = await context.open({ namespace });
      const heard: number[] = [];
      revived.onCommitted((outcome) => {
        if (outcome.writes.length > 0) heard.push(outcome.commitVersion);
      });
      const retried = await revived.mutate(transfer(runs, "e"), { requestId: "r1" });
      expect(retried).toMatchObject({ commitVersion: 1, replayed: true });
      expect(runs.count).toBe(1);
      expect(heard).toEqual([1]);
      expect(await countsFor(revived, "e")).toEqual({ tallies: 1, ledger: 1, version: 1, logged: 2 });
    },
  },
  {
    name: "a commit marker fence is final: a transaction arriving after its fence cannot land, even after later commits",
    crossEngine: true,
    async run({ fixture }) {
      const markers = new CommitMarkers(fixture.globalExec!, freshNamespace());
      const [committed] = markers.statements("landed", 1, Date.now());
      await fixture.globalExec!.batch([committed!]);
      expect(await markers.fence("landed", 1, Date.now())).toBe(true);
      // The next version that also drops settled markers (most commits only add their own).
      const next = MARKER_CLEANUP_EVERY;
      expect(await markers.fence("late", next, Date.now())).toBe(false);
      // The retry commits next, with everything a commit's marker statements do (and prune).
      const retry = markers.statements("retry", next, Date.now());
      expect(retry).toHaveLength(2);
      await fixture.globalExec!.batch(retry);
      await expect(fixture.globalExec!.batch(markers.statements("late", next, Date.now()))).rejects.toThrow();
      expect(await markers.fence("late", next, Date.now())).toBe(false);
      expect(await markers.fence("landed", 1, Date.now())).toBe(false);
    },
  },
  {
    name: "a commit whose home side cannot be finished yet keeps answering: 'outcome unknown' to its own request, UNAVAILABLE to others",
    crossEngine: true,
    async run(context) {
      const namespace = freshNamespace();
      const home = new FaultyExec(context.fixture.exec);
      const store = await context.open({ namespace, exec: home });
      const runs = { count: 0 };
      home.failNextBatch();
      await expect(store.mutate(transfer(runs, "f"), { requestId: "r1" })).rejects.toMatchObject({
        code: "OUTCOME_UNKNOWN",
      });
      // Home storage still failing: its resend hears the same; another caller is refused cleanly.
      home.failNextBatch();
      await expect(store.mutate(transfer(runs, "f"), { requestId: "r1" })).rejects.toMatchObject({
        code: "OUTCOME_UNKNOWN",
      });
      home.failNextBatch();
      await expect(store.mutate(transfer(runs, "g"), { requestId: "r2" })).rejects.toMatchObject({
        code: "UNAVAILABLE",
        message: expect.stringMatching(/nothing of this one was written/),
      });
      const retried = await store.mutate(transfer(runs, "f"), { requestId: "r1" });
      expect(retried).toMatchObject({ commitVersion: 1, replayed: true });
      expect(runs.count).toBe(1);
      expect(await countsFor(store, "f")).toEqual({ tallies: 1, ledger: 1, version: 1, logged: 2 });
    },
  },
];
