import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { schemaDdl, systemTablesDdl } from "@orrery/schema";
import { createD1Exec } from "../src/engines/d1-exec";
import { createDurableSqliteExec } from "../src/engines/durable-sqlite-exec";
import { JobRunner } from "../src/functions/job-runner";
import { FunctionRunner } from "../src/functions/runner";
import { JobLoop } from "../src/scheduler/job-loop";
import type { JobRetryPolicy } from "../src/scheduler/retry";
import type { SqlExec } from "../src/sql/sql-exec";
import { type MutationOutcome, Store } from "../src/store";
import { app } from "./scheduler-app/app";
import { type Schema, schema } from "./scheduler-app/schema";

/** A clock the test moves: jobs fall due when it says so, not when real time passes. */
export class TestClock {
  constructor(public time = Date.UTC(2026, 0, 1, 12)) {}
  readonly now = () => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface SchedulerFixture {
  readonly store: Store<Schema>;
  readonly runner: FunctionRunner<Schema>;
  readonly jobs: JobRunner<Schema>;
  readonly loop: JobLoop<Schema>;
  readonly clock: TestClock;
  readonly exec: SqlExec;
  /** Where `.global()` tables live: D1, as by default. */
  readonly globalExec: SqlExec;
  /** Every outcome the store's commit listener heard. */
  readonly commits: MutationOutcome<unknown>[];
  /** A second runner over the same storage, as after a restart (its in-memory state is new). */
  restart(): { jobs: JobRunner<Schema>; loop: JobLoop<Schema> };
}

/**
 * Runs `body` in a fresh Durable Object with real SQLite and `.global()` tables on D1, with the
 * scheduler's runner and loop on a clock the test moves.
 */
export async function withScheduler(
  body: (fixture: SchedulerFixture) => Promise<void>,
  options: { retry?: Partial<JobRetryPolicy>; retentionMs?: number; namespace?: string } = {},
): Promise<void> {
  const globalExec = createD1Exec(env.DB);
  for (const statement of [
    ...schemaDdl(schema, "sqlite", { onlyGlobal: true }),
    ...systemTablesDdl("sqlite", "global"),
  ])
    await globalExec.run({ sql: statement, params: [] });
  await runInDurableObject(env.CONFORMANCE.getByName(crypto.randomUUID()), async (_instance, state) => {
    const exec = createDurableSqliteExec(state.storage);
    for (const statement of [
      ...schemaDdl(schema, "sqlite", { onlyPlain: true }),
      ...systemTablesDdl("sqlite", "home"),
    ])
      await exec.run({ sql: statement, params: [] });
    const clock = new TestClock();
    const store = await Store.open({
      schema,
      namespace: options.namespace ?? `sched-${crypto.randomUUID()}`,
      exec,
      globalExec,
      now: clock.now,
    });
    const commits: MutationOutcome<unknown>[] = [];
    store.onCommitted((outcome) => {
      commits.push(outcome);
    });
    const runner = new FunctionRunner<Schema>({ app, store, env: {} });
    const build = () => {
      const jobs = new JobRunner({ runner, store, ...(options.retry ? { retry: options.retry } : {}) });
      const loop = new JobLoop({
        store,
        executor: jobs,
        ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
      });
      return { jobs, loop };
    };
    await body({ store, runner, clock, exec, globalExec, commits, ...build(), restart: build });
  });
}
