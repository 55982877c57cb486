import { OrreryError, wireErrorOf } from "@orrery/protocol";
import { type Id, isDocumentId } from "@orrery/schema";
import type { DatabaseWriter } from "../db/database";
import { JOBS_TABLE, type ScheduledJob, type SystemSchema } from "../db/system-schema";
import type { ResolvedCron } from "./cron-jobs";
import { nextRunAfter } from "./cron-schedule";
import { FINAL_JOB_ERROR_CODES, type JobRetryPolicy, retryDelayOf } from "./retry";

/*
 * The transitions of a job row, each a write in the caller's mutation attempt (so it commits
 * with whatever else that attempt writes): planned → pending; a run → succeeded, or pending
 * again with a later `runAt`, or failed; cancel → canceled. A cron's run that ends plans the
 * cron's next run in the same commit, so a cron always has exactly one run planned.
 */

type Jobs = DatabaseWriter<SystemSchema>;
export type JobId = Id<typeof JOBS_TABLE>;

export interface PlannedJob {
  readonly name: string;
  readonly kind: "mutation" | "action";
  readonly args: unknown;
  readonly runAt: number;
  readonly cron?: string;
  readonly cronSpec?: string;
}

export function planJob(jobs: Jobs, job: PlannedJob): Promise<JobId> {
  return jobs.insert(JOBS_TABLE, { ...job, status: "pending", attempts: 0 });
}

/** The job `id`, or a NOT_FOUND naming it (an id of no job, or no id at all: INVALID_ARGUMENT). */
export async function jobById(jobs: Jobs, id: unknown): Promise<ScheduledJob> {
  if (!isDocumentId(id))
    throw new OrreryError("INVALID_ARGUMENT", `ctx.scheduler.cancel: ${JSON.stringify(id)} is not a job id`);
  const job = await jobs.get(JOBS_TABLE, id as JobId);
  if (!job) throw new OrreryError("NOT_FOUND", `ctx.scheduler.cancel: no scheduled job "${id}"`);
  return job;
}

/**
 * Cancels a job that has not started: it will not run. A job already running, or finished,
 * is left as it is (an action that started runs to its end).
 */
export async function cancelJob(jobs: Jobs, id: unknown, now: number, crons?: CronLookup): Promise<void> {
  const job = await jobById(jobs, id);
  if (job.status !== "pending") return;
  await jobs.patch(JOBS_TABLE, job._id, { status: "canceled", completedAt: now });
  await planNextCronRun(jobs, job, now, crons);
}

/** Finds a declared cron by name: the runs of a cron no longer declared are not planned again. */
export type CronLookup = (name: string) => ResolvedCron | undefined;

/** Marks an action's job running: its attempt counts from here, whether it ends or not. */
export async function startJob(jobs: Jobs, job: ScheduledJob, now: number): Promise<void> {
  await jobs.patch(JOBS_TABLE, job._id, { status: "running", attempts: job.attempts + 1, startedAt: now });
}

/** A run ended well. `counted`: whether `job.attempts` already counts this run (an action's). */
export async function succeedJob(
  jobs: Jobs,
  job: ScheduledJob,
  now: number,
  counted: boolean,
  crons?: CronLookup,
): Promise<void> {
  await jobs.patch(JOBS_TABLE, job._id, {
    status: "succeeded",
    attempts: counted ? job.attempts : job.attempts + 1,
    startedAt: job.startedAt ?? now,
    completedAt: now,
    lastError: undefined,
  });
  await planNextCronRun(jobs, job, now, crons);
}

/**
 * A run failed: the job is planned again after the policy's wait, or, past its last attempt or
 * on a final verdict ({@link FINAL_JOB_ERROR_CODES}), marked failed with the error.
 */
export async function failJob(
  jobs: Jobs,
  job: ScheduledJob,
  error: unknown,
  now: number,
  options: { readonly counted: boolean; readonly policy: JobRetryPolicy; readonly crons?: CronLookup },
): Promise<"retry" | "failed"> {
  const attempts = options.counted ? job.attempts : job.attempts + 1;
  const lastError = wireErrorOf(error);
  const final = FINAL_JOB_ERROR_CODES.has(lastError.code) || attempts >= options.policy.maxAttempts;
  if (!final) {
    await jobs.patch(JOBS_TABLE, job._id, {
      status: "pending",
      attempts,
      lastError,
      runAt: now + retryDelayOf(options.policy, attempts),
    });
    return "retry";
  }
  await jobs.patch(JOBS_TABLE, job._id, { status: "failed", attempts, lastError, completedAt: now });
  await planNextCronRun(jobs, job, now, options.crons);
  return "failed";
}

/** After a cron's run ended: its next run, if the cron is still declared as it was. */
async function planNextCronRun(
  jobs: Jobs,
  job: ScheduledJob,
  now: number,
  crons?: CronLookup,
): Promise<void> {
  if (job.cron === undefined) return;
  const cron = crons?.(job.cron);
  if (!cron || cron.spec !== job.cronSpec) return; // its replacement is planned by syncCrons
  await planCronRun(jobs, cron, Math.max(now, job.runAt), job.runAt);
}

/** Plans `cron`'s first run after `after`; an interval keeps its phase from `anchor`. */
export function planCronRun(jobs: Jobs, cron: ResolvedCron, after: number, anchor: number): Promise<JobId> {
  return planJob(jobs, {
    name: cron.functionName,
    kind: cron.kind,
    args: cron.args,
    runAt: nextRunAfter(cron.schedule, after, anchor),
    cron: cron.name,
    cronSpec: cron.spec,
  });
}
