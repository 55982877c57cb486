import { NAMESPACE_COLUMN } from "@orrery/schema";
import type { BatchStatement, SqlExec } from "@orrery/store";
import { Store } from "@orrery/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appSchema, drivers, openSplitStore, type SplitStore } from "./fixtures";

/**
 * What a well-behaved outside writer (another service, a migration script) does to a row
 * Orrery owns: change it and raise `_version`, so the OCC guard notices. It runs on its own
 * pool, so it is really concurrent with the store.
 */
function addOutside(external: SqlExec, namespace: string, id: string, amount: number): Promise<unknown> {
  const { quote: q, placeholder: p } = external.dialect;
  return external.run({
    sql: `UPDATE ${q("counters")} SET ${q("value")} = ${q("value")} + ${p(1)}, ${q("_version")} = ${q("_version")} + 1 WHERE ${q("_id")} = ${p(2)} AND ${q(NAMESPACE_COLUMN)} = ${p(3)}`,
    params: [amount, id, namespace],
  });
}

/** An exec that runs `beforeFirstBatch` once, after the handler finished and before its commit. */
function withHookBeforeCommit(exec: SqlExec, beforeFirstBatch: () => Promise<unknown>): SqlExec {
  let pending: (() => Promise<unknown>) | undefined = beforeFirstBatch;
  return {
    engine: exec.engine,
    dialect: exec.dialect,
    run: (statement) => exec.run(statement),
    async batch(statements: readonly BatchStatement[]) {
      const hook = pending;
      pending = undefined;
      if (hook) await hook();
      return exec.batch(statements);
    },
  };
}

describe.each(drivers)("an outside writer on another connection, on %s", (driver) => {
  let split: SplitStore;
  beforeAll(async () => {
    split = await openSplitStore(driver);
  });
  afterAll(async () => {
    await split.end();
  });

  it("bumps the row between the handler's read and the commit: the mutation retries, nothing is lost", async () => {
    const namespace = `between-${driver}`;
    const setup = await split.open(namespace);
    const { value: id } = await setup.mutate((db) => db.insert("counters", { name: "hits", value: 0n }));

    const hooked = withHookBeforeCommit(split.backend.exec, () =>
      addOutside(split.global.external, namespace, id, 10),
    );
    const store = await Store.open({
      schema: appSchema,
      namespace,
      exec: split.home.exec,
      globalExec: hooked,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    let runs = 0;
    const outcome = await store.mutate(async (db) => {
      runs++;
      const counter = await db.get("counters", id);
      await db.patch("counters", id, { value: (counter?.value ?? 0n) + 1n });
    });
    expect(outcome.attempts).toBe(2);
    expect(runs).toBe(2);
    // Insert (1), the outside write (2), the retried patch (3): both increments are there.
    expect((await store.query((db) => db.get("counters", id))).value).toMatchObject({
      value: 11n,
      _version: 3,
    });
  });

  it("many outside increments racing many mutations: the total counts every one of them", async () => {
    const store = await split.open(`race-${driver}`);
    const { value: id } = await store.mutate((db) => db.insert("counters", { name: "race", value: 0n }));
    const rounds = 15;
    const mutations = Array.from({ length: rounds }, () =>
      store.mutate(async (db) => {
        const counter = await db.get("counters", id);
        // Leave room for the outside writer to get in between the read and the commit.
        await new Promise((resolve) => setTimeout(resolve, 2));
        await db.patch("counters", id, { value: (counter?.value ?? 0n) + 1n });
      }),
    );
    const outside = (async () => {
      for (let i = 0; i < rounds; i++) {
        await addOutside(split.global.external, store.namespace, id, 100);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    const [outcomes] = await Promise.all([Promise.all(mutations), outside]);
    const { value } = await store.query((db) => db.get("counters", id));
    expect(value?.value).toBe(BigInt(rounds * 100 + rounds));
    expect(value?._version).toBe(1 + 2 * rounds);
    expect(new Set(outcomes.map((o) => o.commitVersion)).size).toBe(rounds);
  });
});
