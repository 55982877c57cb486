import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { schemaDdl, systemTablesDdl } from "@orrery/schema";
import { createDurableSqliteExec } from "../src/engines/durable-sqlite-exec";
import { FunctionRunner, type FunctionRunnerOptions } from "../src/functions/runner";
import type { MutationOutcome } from "../src/store";
import { Store } from "../src/store";
import { app } from "./functions-app/app";
import type { Env, Schema } from "./functions-app/schema";
import { schema } from "./functions-app/schema";

export interface RunnerFixture {
  readonly runner: FunctionRunner<Schema, Env>;
  readonly store: Store<Schema>;
  /** Every outcome the store's commit listener heard, in order. */
  readonly commits: MutationOutcome<unknown>[];
}

/**
 * Runs `body` against the test app in a fresh Durable Object with real SQLite, as production
 * does: the app's tables and the store's system tables, one namespace, one runner.
 */
export async function withRunner(
  body: (fixture: RunnerFixture) => Promise<void>,
  options: Pick<FunctionRunnerOptions<Schema, Env>, "sql" | "writeGate"> = {},
): Promise<void> {
  const stub = env.CONFORMANCE.getByName(crypto.randomUUID());
  await runInDurableObject(stub, async (_instance, state) => {
    const exec = createDurableSqliteExec(state.storage);
    for (const statement of [...schemaDdl(schema, "sqlite"), ...systemTablesDdl("sqlite")]) {
      await exec.run({ sql: statement, params: [] });
    }
    const store = await Store.open({ schema, namespace: "functions-test", exec });
    const commits: MutationOutcome<unknown>[] = [];
    store.onCommitted((outcome) => {
      if (outcome.writes.length > 0) commits.push(outcome);
    });
    const runner = new FunctionRunner<Schema, Env>({
      app,
      store,
      env: { GREETING: "hello from env" },
      ...options,
    });
    await body({ runner, store, commits });
  });
}
