import type { SchemaDefinition } from "@orrery/schema";
import { JOBS_TABLE, type ScheduledJob } from "../db/system-schema";
import type { Store } from "../store";
import type { ResolvedCron } from "./cron-jobs";
import { syncCrons } from "./sync-crons";

/** Runs one due job; `deferred` when the namespace refuses writes for now (maintenance). */
export interface JobExecutor {
  run(
    job: ScheduledJob,
  ): Promise<{ readonly kind: "done" } | { readonly kind: "deferred"; readonly reason: string }>;
  /** Whether this instance is running the job now. */
  isRunning(id: string): boolean;
  /** Settles a `running` job whose run was cut off. */
  recoverInterrupted(job: ScheduledJob): Promise<void>;
}

export interface JobLoopOptions<S extends SchemaDefinition> {
  readonly store: Store<S>;
  readonly executor: JobExecutor;
  readonly now?: () => number;
  /** Finished jobs (succeeded, failed, canceled) are deleted this long after they finished. */
  readonly retentionMs?: number;
  /** Due jobs read at a time (default 100). */
  readonly batchSize?: number;
  /** Actions of one batch run this many at a time (default 8); mutations run one by one. */
  readonly actionConcurrency?: number;
}

/** A week, as Convex keeps finished scheduled functions. */
export const DEFAULT_JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How long jobs wait while the namespace refuses writes (maintenance) before they are tried again. */
export const DEFERRED_RETRY_MS = 30_000;

const PRUNE_BATCH = 200;

/**
 * The scheduler's work for one wake-up of the namespace's object: run what is due, settle runs
 * that a restart cut off, delete finished jobs past their retention, and say when to wake next.
 * The host (the GlobalStore's alarm) runs one tick at a time.
 */
export class JobLoop<S extends SchemaDefinition> {
  private readonly now: () => number;
  readonly retentionMs: number;

  constructor(private readonly options: JobLoopOptions<S>) {
    this.now = options.now ?? (() => options.store.time());
    this.retentionMs = options.retentionMs ?? DEFAULT_JOB_RETENTION_MS;
  }

  /** Runs due jobs until none is due or `deadline` passes. */
  async tick(deadline: number): Promise<{ ran: number; more: boolean; deferredUntil?: number }> {
    const { executor } = this.options;
    for (const job of await this.jobsIn("running")) {
      if (!executor.isRunning(job._id)) await executor.recoverInterrupted(job);
    }
    let ran = 0;
    for (;;) {
      const due = await this.due(this.options.batchSize ?? 100);
      if (due.length === 0) return { ran, more: false };
      let deferred = false;
      const actions: ScheduledJob[] = [];
      for (const job of due) {
        if (job.kind === "action") {
          actions.push(job);
          continue;
        }
        if ((await executor.run(job)).kind === "deferred") {
          deferred = true;
          break;
        }
        ran++;
      }
      if (!deferred) {
        const outcomes = await inPool(actions, this.options.actionConcurrency ?? 8, (job) =>
          executor.run(job),
        );
        ran += outcomes.filter((outcome) => outcome.kind === "done").length;
        deferred = outcomes.some((outcome) => outcome.kind === "deferred");
      }
      if (deferred) return { ran, more: true, deferredUntil: this.now() + DEFERRED_RETRY_MS };
      if (this.now() >= deadline) return { ran, more: true };
    }
  }

  /** Deletes finished jobs older than the retention, a batch per commit, until `deadline`. */
  async prune(deadline: number): Promise<{ pruned: number; more: boolean }> {
    let pruned = 0;
    for (;;) {
      const cutoff = this.now() - this.retentionMs;
      const { value: deleted } = await this.options.store.mutate(async (_db, attempt) => {
        const old = await attempt.system
          .query(JOBS_TABLE)
          .withIndex("by_completed_at", (q) => q.gte("completedAt", 0).lt("completedAt", cutoff))
          .take(PRUNE_BATCH);
        for (const job of old) await attempt.system.delete(JOBS_TABLE, job._id);
        return old.length;
      });
      pruned += deleted;
      if (deleted < PRUNE_BATCH) return { pruned, more: false };
      if (this.now() >= deadline) return { pruned, more: true };
    }
  }

  /** When there is next something to do: a job due, a cut-off run to settle, a finished job to delete. */
  async nextWakeAt(): Promise<number | null> {
    const { value } = await this.options.store.query(async (db) => {
      const [pending, running, finished] = await Promise.all([
        db.system
          .query(JOBS_TABLE)
          .withIndex("by_status", (q) => q.eq("status", "pending"))
          .first(),
        db.system
          .query(JOBS_TABLE)
          .withIndex("by_status", (q) => q.eq("status", "running"))
          .collect(),
        db.system
          .query(JOBS_TABLE)
          .withIndex("by_completed_at", (q) => q.gte("completedAt", 0))
          .first(),
      ]);
      return [
        pending?.runAt,
        running.some((job) => !this.options.executor.isRunning(job._id)) ? this.now() : undefined,
        finished?.completedAt === undefined ? undefined : finished.completedAt + this.retentionMs,
      ];
    });
    const times = value.filter((time): time is number => time !== undefined);
    return times.length === 0 ? null : Math.min(...times);
  }

  /** Makes the planned cron runs match `crons` (one commit, none when nothing changed). */
  async syncCrons(crons: readonly ResolvedCron[]): Promise<number> {
    const { value } = await this.options.store.mutate((_db, attempt) =>
      syncCrons(attempt.system, crons, this.now()),
    );
    return value;
  }

  private async jobsIn(status: "running"): Promise<ScheduledJob[]> {
    const { value } = await this.options.store.query((db) =>
      db.system
        .query(JOBS_TABLE)
        .withIndex("by_status", (q) => q.eq("status", status))
        .collect(),
    );
    return value;
  }

  private async due(limit: number): Promise<ScheduledJob[]> {
    const now = this.now();
    const { value } = await this.options.store.query((db) =>
      db.system
        .query(JOBS_TABLE)
        .withIndex("by_status", (q) => q.eq("status", "pending").lte("runAt", now))
        .take(limit),
    );
    return value;
  }
}

/** Runs `work` over `items`, at most `size` at a time; the results in item order. */
async function inPool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
