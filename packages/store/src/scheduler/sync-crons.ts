import type { DatabaseWriter } from "../db/database";
import { JOBS_TABLE, type ScheduledJob, type SystemSchema } from "../db/system-schema";
import type { ResolvedCron } from "./cron-jobs";
import { planCronRun } from "./jobs";

/**
 * Makes the planned cron runs match the declared crons, in the caller's mutation attempt: a
 * declared cron with no run planned (or running) as it is declared now gets its next run; a
 * planned run of a cron that changed or is gone is canceled. A run already under way is left
 * to end. Returns how many runs it planned or canceled (0: nothing to commit).
 */
export async function syncCrons(
  jobs: DatabaseWriter<SystemSchema>,
  declared: readonly ResolvedCron[],
  now: number,
): Promise<number> {
  const live: ScheduledJob[] = [];
  for (const status of ["pending", "running"] as const) {
    live.push(
      ...(await jobs
        .query(JOBS_TABLE)
        .withIndex("by_status_cron", (q) => q.eq("status", status).gte("cron", ""))
        .collect()),
    );
  }
  let changes = 0;
  const cancel = async (run: ScheduledJob) => {
    await jobs.patch(JOBS_TABLE, run._id, { status: "canceled", completedAt: now });
    changes++;
  };
  const names = new Set(declared.map((cron) => cron.name));
  for (const run of live) {
    if (run.status === "pending" && !names.has(run.cron!)) await cancel(run);
  }
  for (const cron of declared) {
    const runs = live.filter((run) => run.cron === cron.name);
    let current = runs.filter((run) => run.cronSpec === cron.spec).length;
    for (const run of runs) {
      if (run.status !== "pending") continue;
      // A changed cron, or (should it ever happen) a second planned run of it.
      if (run.cronSpec !== cron.spec) await cancel(run);
      else if (current > 1) {
        await cancel(run);
        current--;
      }
    }
    if (current === 0) {
      await planCronRun(jobs, cron, now, now);
      changes++;
    }
  }
  return changes;
}
