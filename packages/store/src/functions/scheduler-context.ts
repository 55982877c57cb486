import {
  type ActionReference,
  type AnyFunctionReference,
  type FunctionArgs,
  functionName,
  type MutationReference,
  OrreryError,
} from "@orrery/protocol";
import type { MutationAttempt } from "../commit/mutation-attempt";
import type { CronLookup, JobId, PlannedJob } from "../scheduler/jobs";
import { cancelJob, planJob } from "../scheduler/jobs";
import type { OptionalArgs } from "./contexts";

type Schedulable = MutationReference | ActionReference;

/**
 * `ctx.scheduler`: runs a mutation or an action later. In a mutation the job is written in the
 * mutation's own commit (a mutation that fails or is re-run schedules nothing extra); in an
 * action it is written at once, in a commit of its own. A scheduled mutation runs exactly once
 * (its job id is its request id); an action at least once. See docs/scheduler-and-outbox.md.
 */
export interface Scheduler {
  /** Runs `ref` with `args` in `delayMs` milliseconds (0: as soon as possible); returns the job's id. */
  runAfter<F extends Schedulable>(
    delayMs: number,
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<JobId>;
  runAfter(delayMs: number, name: string, args?: Record<string, unknown>): Promise<JobId>;
  /** Runs `ref` with `args` at `time` (a Date or ms since the epoch; a past time: now). */
  runAt<F extends Schedulable>(
    time: Date | number,
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<JobId>;
  runAt(time: Date | number, name: string, args?: Record<string, unknown>): Promise<JobId>;
  /** Cancels a job that has not started; one running or finished is left as it is. */
  cancel(id: string): Promise<void>;
}

/** `ctx.outbox`: publishes a message in the mutation's commit (see docs/scheduler-and-outbox.md). */
export interface Outbox {
  /**
   * Writes a message for `topic` in this mutation's commit; a relay delivers it to the topic's
   * Queue at least once, in commit order. Returns the message's id, which consumers deduplicate on.
   */
  publish(topic: string, payload: unknown): string;
}

/** Resolves a schedulable call: its name, kind and checked arguments (throws as a call would). */
export type ResolveSchedulable = (
  name: string,
  args: unknown,
) => { readonly name: string; readonly kind: "mutation" | "action"; readonly args: unknown };

/** Where a scheduler's jobs are written: a mutation's attempt, or a commit of their own. */
export interface JobWriter {
  plan(job: PlannedJob): Promise<JobId>;
  cancel(id: unknown): Promise<void>;
}

class SchedulerContext implements Scheduler {
  constructor(
    private readonly writer: JobWriter,
    private readonly resolve: ResolveSchedulable,
    private readonly now: () => number,
  ) {}

  runAfter(delayMs: number, ref: AnyFunctionReference | string, args?: unknown): Promise<JobId> {
    if (typeof delayMs !== "number" || !Number.isFinite(delayMs)) {
      return Promise.reject(
        new OrreryError(
          "INVALID_ARGUMENT",
          `ctx.scheduler.runAfter: the delay must be a number of milliseconds, got ${String(delayMs)}`,
        ),
      );
    }
    return this.schedule(this.now() + Math.max(0, delayMs), ref, args);
  }

  runAt(time: Date | number, ref: AnyFunctionReference | string, args?: unknown): Promise<JobId> {
    const at = time instanceof Date ? time.getTime() : time;
    if (typeof at !== "number" || !Number.isFinite(at)) {
      return Promise.reject(
        new OrreryError(
          "INVALID_ARGUMENT",
          `ctx.scheduler.runAt: expected a Date or milliseconds since the epoch, got ${String(time)}`,
        ),
      );
    }
    return this.schedule(Math.max(at, this.now()), ref, args);
  }

  cancel(id: string): Promise<void> {
    return this.writer.cancel(id);
  }

  private async schedule(runAt: number, ref: AnyFunctionReference | string, args: unknown): Promise<JobId> {
    const call = this.resolve(functionName(ref), args);
    return this.writer.plan({ ...call, runAt });
  }
}

/** A mutation's `ctx.scheduler`: its jobs are written in the mutation's own attempt. */
export function mutationScheduler(
  attempt: MutationAttempt,
  resolve: ResolveSchedulable,
  now: () => number,
  crons: CronLookup,
): Scheduler {
  return new SchedulerContext(
    {
      plan: (job) => planJob(attempt.system, job),
      cancel: (id) => cancelJob(attempt.system, id, now(), crons),
    },
    resolve,
    now,
  );
}

/** An action's `ctx.scheduler`: each call commits at once, through `commit`. */
export function actionScheduler(
  commit: <T>(work: (attempt: MutationAttempt) => Promise<T>) => Promise<T>,
  resolve: ResolveSchedulable,
  now: () => number,
  crons: CronLookup,
): Scheduler {
  return new SchedulerContext(
    {
      plan: (job) => commit((attempt) => planJob(attempt.system, job)),
      cancel: (id) => commit((attempt) => cancelJob(attempt.system, id, now(), crons)),
    },
    resolve,
    now,
  );
}

/** A mutation's `ctx.outbox`. */
export function mutationOutbox(attempt: MutationAttempt): Outbox {
  return { publish: (topic, payload) => attempt.publish(topic, payload) };
}
