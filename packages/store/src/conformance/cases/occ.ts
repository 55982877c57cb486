import { expect } from "vitest";
import { ConflictError } from "../../errors";
import type { ConformanceCase } from "../harness";

export const occCases: ConformanceCase[] = [
  {
    name: "an external writer bumping _version forces a retry, which then succeeds",
    async run({ open, bumpVersion }) {
      const store = await open();
      const { value: id } = await store.mutate((db) => db.insert("tallies", { name: "hits", value: 0n }));
      let runs = 0;
      const outcome = await store.mutate(async (db) => {
        runs++;
        const tally = await db.get("tallies", id);
        if (runs === 1) await bumpVersion("tallies", id);
        await db.patch("tallies", id, { value: (tally?.value ?? 0n) + 1n });
        return runs;
      });
      expect(outcome.attempts).toBe(2);
      expect(runs).toBe(2);
      const { value } = await store.query((db) => db.get("tallies", id));
      // Version 1 at insert, 2 from the external bump, 3 from the retried patch.
      expect(value).toMatchObject({ value: 1n, _version: 3 });
    },
  },
  {
    name: "past the retry bound the caller gets a ConflictError naming the table and id, and nothing lands",
    async run({ open, bumpVersion }) {
      const store = await open({ retry: { maxAttempts: 3 } });
      const { value: id } = await store.mutate((db) =>
        db.insert("tallies", { name: "contended", value: 0n }),
      );
      const { value: other } = await store.mutate((db) => db.insert("authors", { name: "Bystander" }));
      const versionBefore = store.version;
      let runs = 0;
      const attempt = store.mutate(async (db) => {
        runs++;
        await db.patch("authors", other, { name: `changed ${runs}` });
        await db.patch("tallies", id, { value: 99n });
        await bumpVersion("tallies", id);
      });
      const error = await attempt.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ code: "CONFLICT", table: "tallies", id, attempts: 3 });
      expect(String((error as Error).message)).toContain(`tallies "${id}"`);
      expect(runs).toBe(3);
      expect(store.version).toBe(versionBefore);
      const { value } = await store.query(async (db) => ({
        tally: await db.get("tallies", id),
        author: await db.get("authors", other),
      }));
      expect(value.tally?.value).toBe(0n);
      expect(value.author?.name).toBe("Bystander");
    },
  },
  {
    name: "concurrent mutations on one store run in order and lose no increment",
    async run({ open }) {
      const store = await open();
      const { value: id } = await store.mutate((db) => db.insert("tallies", { name: "n", value: 0n }));
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.mutate(async (db) => {
            const tally = await db.get("tallies", id);
            await db.patch("tallies", id, { value: (tally?.value ?? 0n) + 1n });
          }),
        ),
      );
      const versions = outcomes.map((o) => o.commitVersion);
      expect(new Set(versions).size).toBe(20);
      expect((await store.query((db) => db.get("tallies", id))).value?.value).toBe(20n);
    },
  },
  {
    name: "commit versions strictly increase and the commit log records each write",
    async run({ open }) {
      const store = await open();
      const start = store.version;
      const a = await store.mutate((db) => db.insert("authors", { name: "One" }));
      const b = await store.mutate(async (db) => {
        await db.patch("authors", a.value, { name: "Uno" });
        return db.insert("authors", { name: "Two" });
      });
      const readOnly = await store.mutate((db) => db.get("authors", a.value));
      const c = await store.mutate((db) => db.delete("authors", a.value));
      expect([a.commitVersion, b.commitVersion, c.commitVersion]).toEqual([start + 1, start + 2, start + 3]);
      expect(readOnly.commitVersion).toBe(start + 2);
      const log = await store.commitsSince(start);
      expect(log.map((e) => [e.version, e.table, e.id, e.operation])).toEqual([
        [start + 1, "authors", a.value, "insert"],
        [start + 2, "authors", a.value, "update"],
        [start + 2, "authors", b.value, "insert"],
        [start + 3, "authors", a.value, "delete"],
      ]);
      // A store opened later (a restarted Durable Object) resumes from the stored counter.
      expect((await open({ namespace: store.namespace })).version).toBe(start + 3);
    },
  },
];
