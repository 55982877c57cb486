import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SYSTEM_TABLES, schemaDdl, systemTablesDdl } from "@orrery/schema";
import { describe, expect, it } from "vitest";
import { PRUNE_EVERY } from "../src/commit/committer";
import { conformanceSchema } from "../src/conformance";
import { createDurableSqliteExec } from "../src/engines/durable-sqlite-exec";
import { Store } from "../src/store";

describe("the commit log", () => {
  it("stays the same size over 100,000 commits: every 32nd commit prunes what fell out of the retention window", async () => {
    const stub = env.CONFORMANCE.getByName(crypto.randomUUID());
    await runInDurableObject(stub, async (_instance, state) => {
      const exec = createDurableSqliteExec(state.storage);
      for (const statement of [
        ...schemaDdl(conformanceSchema, "sqlite", { onlyPlain: true }),
        ...systemTablesDdl("sqlite", "home"),
      ]) {
        await exec.run({ sql: statement, params: [] });
      }
      const retention = 500;
      const store = await Store.open({
        schema: conformanceSchema,
        namespace: "retention",
        exec,
        commitLogRetention: retention,
      });
      const { value: id } = await store.mutate((db) => db.insert("tallies", { name: "t", value: 0n }));
      const logRows = async () =>
        Number(
          (await exec.run({ sql: `SELECT COUNT(*) AS n FROM ${SYSTEM_TABLES.commits.name}`, params: [] }))
            .rows[0]?.n,
        );
      const sizes: number[] = [];
      for (let commit = 1; commit < 100_000; commit++) {
        await store.mutate((db) => db.patch("tallies", id, { value: BigInt(commit) }));
        // Every 3,200 versions (a multiple of PRUNE_EVERY), right after its prune and 31 commits on.
        const phase = store.version % 3_200;
        if (store.version > retention && (phase === 0 || phase === PRUNE_EVERY - 1))
          sizes.push(await logRows());
      }
      expect(store.version).toBe(100_000);
      // Right after a prune the log holds the window; the next 31 commits add to it, no more.
      expect(sizes).toHaveLength(62);
      expect(new Set(sizes)).toEqual(new Set([retention, retention + PRUNE_EVERY - 1]));
      // What is kept is the newest window, in order: version 100,000 pruned up to 99,500.
      const kept = await store.commitsSince(0, retention + PRUNE_EVERY);
      expect(kept.map((entry) => entry.version)).toEqual(
        Array.from({ length: retention }, (_, i) => 100_000 - retention + 1 + i),
      );
    });
  }, 120_000);
});
