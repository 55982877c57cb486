import { expect } from "vitest";
import type { ConformanceCase } from "../harness";

export const namespaceCases: ConformanceCase[] = [
  {
    name: "global tables are partitioned by namespace: each store sees and writes only its own rows",
    async run({ open }) {
      const north = await open({ namespace: `north-${Math.random()}` });
      const south = await open({ namespace: `south-${Math.random()}` });
      const { value: northId } = await north.mutate((db) =>
        db.insert("ledger", { account: "cash", amount: 10 }),
      );
      await south.mutate((db) => db.insert("ledger", { account: "cash", amount: -3, note: "south" }));
      const read = (store: typeof north) =>
        store.query((db) =>
          db
            .query("ledger")
            .withIndex("by_account", (q) => q.eq("account", "cash"))
            .collect(),
        );
      expect((await read(north)).value.map((r) => r.amount)).toEqual([10]);
      expect((await read(south)).value.map((r) => r.amount)).toEqual([-3]);
      expect((await south.query((db) => db.get("ledger", northId))).value).toBeNull();
      await expect(south.mutate((db) => db.patch("ledger", northId, { amount: 0 }))).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await north.mutate((db) => db.patch("ledger", northId, { amount: 11 }));
      expect((await read(north)).value).toMatchObject([{ amount: 11, _version: 2 }]);
    },
  },
  {
    name: "an external write to a global row is caught by the guard and retried",
    async run({ open, bumpVersion }) {
      const store = await open();
      const { value: id } = await store.mutate((db) => db.insert("ledger", { account: "ext", amount: 1 }));
      let runs = 0;
      const outcome = await store.mutate(async (db) => {
        runs++;
        const row = await db.get("ledger", id);
        if (runs === 1) await bumpVersion("ledger", id);
        await db.patch("ledger", id, { amount: (row?.amount ?? 0) + 1 });
      });
      expect(outcome.attempts).toBe(2);
      expect((await store.query((db) => db.get("ledger", id))).value).toMatchObject({
        amount: 2,
        _version: 3,
      });
    },
  },
];
