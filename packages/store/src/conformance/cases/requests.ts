import { expect } from "vitest";
import type { ConformanceCase } from "../harness";

export const requestCases: ConformanceCase[] = [
  {
    name: "a repeated request id runs the mutation once and answers with the first result",
    async run({ open }) {
      const store = await open();
      let runs = 0;
      const increment = async (db: Parameters<Parameters<typeof store.mutate>[0]>[0]) => {
        runs++;
        const existing = await db
          .query("tallies")
          .withIndex("by_name", (q) => q.eq("name", "req"))
          .unique();
        if (!existing) return db.insert("tallies", { name: "req", value: 1n }).then(() => 1n);
        await db.patch("tallies", existing._id, { value: existing.value + 1n });
        return existing.value + 1n;
      };
      const first = await store.mutate(increment, { requestId: "r-1" });
      const again = await store.mutate(increment, { requestId: "r-1" });
      const other = await store.mutate(increment, { requestId: "r-2" });
      expect(runs).toBe(2);
      expect(first).toMatchObject({ value: 1n, replayed: false });
      expect(again).toMatchObject({ value: 1n, commitVersion: first.commitVersion, replayed: true });
      expect(other.value).toBe(2n);
      // A request that failed on its own terms is answered with the same failure, and the
      // handler does not run again (it would write a valid row on a second run).
      let badRuns = 0;
      const failing = () =>
        store.mutate(
          (db) =>
            ++badRuns === 1
              ? db.insert("tallies", { name: 3, value: 0n } as never)
              : db.insert("tallies", { name: "bad", value: 0n }),
          { requestId: "r-bad" },
        );
      await expect(failing()).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(failing()).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "tallies.name: expected string, got number",
      });
      expect(badRuns).toBe(1);
      // Concurrent duplicates (a client resending while the first is in flight) also run once.
      const [x, y] = await Promise.all([
        store.mutate(increment, { requestId: "r-3" }),
        store.mutate(increment, { requestId: "r-3" }),
      ]);
      expect(x.value).toBe(3n);
      expect(y.value).toBe(3n);
      expect(runs).toBe(3);
    },
  },
  {
    name: "a request that failed for a reason other than its handler's verdict runs again on retry",
    async run({ open }) {
      const store = await open();
      let runs = 0;
      const flaky = () =>
        store.mutate(
          async (db) => {
            if (++runs === 1) throw new Error("the database went away");
            return db.insert("tallies", { name: "flaky", value: 1n });
          },
          { requestId: "r-1", scope: "client:a" },
        );
      await expect(flaky()).rejects.toThrow("the database went away");
      const retried = await flaky();
      expect(runs).toBe(2);
      expect(retried.replayed).toBe(false);
      expect(await flaky()).toMatchObject({ value: retried.value, replayed: true });
      expect(runs).toBe(2);
    },
  },
  {
    name: "a request id is answered only within its scope",
    async run({ open }) {
      const store = await open();
      let runs = 0;
      const insert = (scope: string) =>
        store.mutate(
          async (db) => {
            runs++;
            return db.insert("tallies", { name: scope, value: 1n });
          },
          { requestId: "same", scope },
        );
      const a = await insert("client:a");
      const b = await insert("client:b");
      expect(runs).toBe(2);
      expect(b.value).not.toBe(a.value);
      expect(await insert("client:a")).toMatchObject({ value: a.value, replayed: true });
      expect(runs).toBe(2);
    },
  },
];
