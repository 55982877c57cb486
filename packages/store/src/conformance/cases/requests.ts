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
      // A request that failed on its own terms is answered with the same failure.
      const failing = () =>
        store.mutate((db) => db.insert("tallies", { name: 3, value: 0n } as never), { requestId: "r-bad" });
      await expect(failing()).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(failing()).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "tallies.name: expected string, got number",
      });
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
];
