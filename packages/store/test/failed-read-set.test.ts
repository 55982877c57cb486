import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { schemaDdl, systemTablesDdl } from "@orrery/schema";
import { describe, expect, it } from "vitest";
import { createDurableSqliteExec } from "../src/engines/durable-sqlite-exec";
import type { SqlExec } from "../src/sql/sql-exec";
import { Store } from "../src/store";
import { schema } from "./functions-app/schema";

/** `exec`, except that its reads fail while `down` is set, as an unreachable database's do. */
function failingReads(exec: SqlExec, state: { down: boolean }): SqlExec {
  return {
    ...exec,
    run: (statement) => {
      if (state.down && /^\s*SELECT/i.test(statement.sql)) return Promise.reject(new Error("database down"));
      return exec.run(statement);
    },
  };
}

describe("a query whose index scan fails", () => {
  it("reports the range it was reading, so a commit into that range re-runs it", async () => {
    await runInDurableObject(env.CONFORMANCE.getByName(crypto.randomUUID()), async (_instance, storage) => {
      const exec = createDurableSqliteExec(storage.storage);
      for (const statement of [...schemaDdl(schema, "sqlite"), ...systemTablesDdl("sqlite")])
        await exec.run({ sql: statement, params: [] });
      const state = { down: false };
      const store = await Store.open({ schema, namespace: "failed-reads", exec: failingReads(exec, state) });
      state.down = true;
      const collected = await store.observe((db) =>
        db
          .query("tasks")
          .withIndex("by_list", (q) => q.eq("list", "x"))
          .collect(),
      );
      const first = await store.observe((db) =>
        db
          .query("tasks")
          .withIndex("by_list", (q) => q.eq("list", "x"))
          .first(),
      );
      for (const outcome of [collected, first]) {
        expect(outcome.ok).toBe(false);
        expect(outcome.readSet).toEqual([
          expect.objectContaining({
            table: "tasks",
            index: "by_list",
            range: expect.objectContaining({ lower: expect.objectContaining({ key: ["x"] }) }),
          }),
        ]);
      }
    });
  });
});
