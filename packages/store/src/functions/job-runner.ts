import { OrreryError } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { DatabaseWriter } from "../db/database";
import { JOBS_TABLE, type ScheduledJob, type SystemSchema } from "../db/system-schema";
import { failJob, startJob, succeedJob } from "../scheduler/jobs";
import { DEFAULT_JOB_RETRY, type JobRetryPolicy } from "../scheduler/retry";
import type { Store } from "../store";
import type { FunctionRunner } from "./runner";

/** The request-id scope of scheduled mutations: a job's id is its request id there. */
export const SCHEDULER_SCOPE = "scheduler";

/** What one run of a due job came to. */
export type JobRunOutcome =
  /** It ran (or was no longer due); the job row says how it went. */
  | { readonly kind: "done" }
  /** The namespace refuses writes for now (maintenance): the job waits, its attempts unchanged. */
  | { readonly kind: "deferred"; readonly reason: string };

export interface JobRunnerOptions<S extends SchemaDefinition, Env> {
  readonly runner: FunctionRunner<S, Env>;
  readonly store: Store<S>;
  readonly retry?: Partial<JobRetryPolicy>;
  readonly now?: () => number;
}

/**
 * Runs due jobs through the app's functions. A job's mutation runs in one attempt with the
 * job's own transition to `succeeded` (and, for a cron, its next run), under the job id as
 * request id: it commits exactly once, and a job that a commit already finished is not run
 * again. An action's job is marked `running` (its attempt counted) before it starts and
 * finished after, so one interrupted by a restart is found `running` and run again: at least
 * once. A failure is retried after the policy's wait, up to its bound, then the job is failed.
 */
export class JobRunner<S extends SchemaDefinition, Env = unknown> {
  private readonly inFlight = new Set<string>();
  private readonly policy: JobRetryPolicy;
  private readonly now: () => number;

  constructor(private readonly options: JobRunnerOptions<S, Env>) {
    this.policy = { ...DEFAULT_JOB_RETRY, ...options.retry };
    this.now = options.now ?? (() => options.store.time());
  }

  get retryPolicy(): JobRetryPolicy {
    return this.policy;
  }

  /** Whether this instance is running the job now (a `running` job that is not was interrupted). */
  isRunning(id: string): boolean {
    return this.inFlight.has(id);
  }

  async run(job: ScheduledJob): Promise<JobRunOutcome> {
    if (job.cron !== undefined && this.options.runner.cronLookup(job.cron)?.spec !== job.cronSpec) {
      // A run of a cron this deploy no longer declares (as it was): not run, not planned again.
      await this.transition(job, "pending", (jobs, current) =>
        jobs.patch(JOBS_TABLE, current._id, { status: "canceled", completedAt: this.now() }),
      );
      return { kind: "done" };
    }
    this.inFlight.add(job._id);
    try {
      return job.kind === "mutation" ? await this.runMutation(job) : await this.runAction(job);
    } finally {
      this.inFlight.delete(job._id);
    }
  }

  /** A `running` job no instance is running: its run was cut off (a restart); it counts as failed. */
  async recoverInterrupted(job: ScheduledJob): Promise<void> {
    const interrupted = new OrreryError(
      "UNAVAILABLE",
      "the run was interrupted before it ended (the Durable Object restarted)",
    );
    await this.transition(job, "running", (jobs, current) =>
      failJob(jobs, current, interrupted, this.now(), this.failOptions(true)),
    );
  }

  private async runMutation(job: ScheduledJob): Promise<JobRunOutcome> {
    const { runner, store } = this.options;
    try {
      const prepared = runner.prepareMutation(job.name, job.args, null);
      await store.mutate(
        async (db, attempt) => {
          const current = await attempt.system.get(JOBS_TABLE, job._id);
          // Finished or canceled by a commit since it was read as due: nothing to run.
          if (current?.status !== "pending") return null;
          const value = await prepared.handler(db, attempt);
          await succeedJob(attempt.system, current, this.now(), false, runner.cronLookup);
          return value;
        },
        { requestId: job._id, scope: SCHEDULER_SCOPE, fingerprint: prepared.fingerprint() },
      );
      return { kind: "done" };
    } catch (error) {
      if (isMaintenance(error)) return { kind: "deferred", reason: (error as Error).message };
      await this.transition(job, "pending", (jobs, current) =>
        failJob(jobs, current, error, this.now(), this.failOptions(false)),
      );
      return { kind: "done" };
    }
  }

  private async runAction(job: ScheduledJob): Promise<JobRunOutcome> {
    const { runner } = this.options;
    const started = await this.transition(job, "pending", (jobs, current) =>
      startJob(jobs, current, this.now()),
    );
    if (!started) return { kind: "done" };
    let failure: { error: unknown } | null = null;
    try {
      await runner.runAction(job.name, job.args, null);
    } catch (error) {
      failure = { error };
    }
    if (failure && isMaintenance(failure.error)) {
      // Refused before it started: give the attempt back and wait.
      await this.transition(job, "running", (jobs, current) =>
        jobs.patch(JOBS_TABLE, current._id, { status: "pending", attempts: current.attempts - 1 }),
      );
      return { kind: "deferred", reason: (failure.error as Error).message };
    }
    await this.transition(job, "running", (jobs, current) =>
      failure
        ? failJob(jobs, current, failure.error, this.now(), this.failOptions(true)).then(() => undefined)
        : succeedJob(jobs, current, this.now(), true, runner.cronLookup),
    );
    return { kind: "done" };
  }

  private failOptions(counted: boolean) {
    return { counted, policy: this.policy, crons: this.options.runner.cronLookup };
  }

  /** Commits `change` to the job if it is still in `status`; says whether it was. */
  private async transition(
    job: ScheduledJob,
    status: ScheduledJob["status"],
    change: (jobs: DatabaseWriter<SystemSchema>, current: ScheduledJob) => Promise<unknown>,
  ): Promise<boolean> {
    const { value } = await this.options.store.mutate(async (_db, attempt) => {
      const current = await attempt.system.get(JOBS_TABLE, job._id);
      if (current?.status !== status) return false;
      await change(attempt.system, current);
      return true;
    });
    return value;
  }
}

function isMaintenance(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "MAINTENANCE";
}
