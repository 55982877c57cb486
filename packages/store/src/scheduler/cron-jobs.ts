import {
  type ActionReference,
  type FunctionArgs,
  functionName,
  type MutationReference,
  OrreryError,
  toWire,
} from "@orrery/protocol";
import type { OptionalArgs } from "../functions/contexts";
import {
  type CronSchedule,
  cronExpressionSchedule,
  describeSchedule,
  type IntervalSchedule,
  intervalSchedule,
  nextRunAfter,
} from "./cron-schedule";

/** Where a cron runs. */
export interface CronOptions {
  /**
   * Runs it in this one namespace only: once per schedule for the whole app. Without it the cron
   * is per namespace: it runs in every namespace that has started (see docs/scheduler-and-outbox.md).
   */
  readonly namespace?: string;
}

/** One declared cron: what runs, when, and where. */
export interface CronJob {
  readonly name: string;
  readonly schedule: CronSchedule;
  readonly functionName: string;
  readonly args: unknown;
  readonly namespace?: string;
  /** What the cron is, as text: a planned run whose `cronSpec` differs is replaced. */
  readonly spec: string;
}

/** A cron whose function the app resolved: what its runs call. */
export interface ResolvedCron extends CronJob {
  readonly kind: "mutation" | "action";
}

type Schedulable = MutationReference | ActionReference;

/**
 * The app's crons (Convex's `cronJobs()`): declare them in `crons.ts` and pass them to
 * `defineApp({ crons })`.
 *
 * ```ts
 * const crons = cronJobs();
 * crons.interval("hours up", { hours: 1 }, api.counters.increment, { name: "hours up" });
 * crons.cron("nightly report", "0 3 * * *", api.reports.nightly, {}, { namespace: "ops" });
 * export default crons;
 * ```
 */
export class CronJobs {
  private readonly byName = new Map<string, CronJob>();

  /** Runs `ref` every `interval` (`{ seconds, minutes, hours }`, at least one second). */
  interval<F extends Schedulable>(
    name: string,
    interval: IntervalSchedule,
    ref: F | string,
    ...rest: [...OptionalArgs<FunctionArgs<F>>, options?: CronOptions]
  ): this {
    const where = `crons.interval("${name}")`;
    return this.add(name, intervalSchedule(interval ?? {}, where), ref, rest);
  }

  /** Runs `ref` on a cron expression, "minute hour day-of-month month day-of-week", in UTC. */
  cron<F extends Schedulable>(
    name: string,
    expression: string,
    ref: F | string,
    ...rest: [...OptionalArgs<FunctionArgs<F>>, options?: CronOptions]
  ): this {
    const schedule = cronExpressionSchedule(expression, `crons.cron("${name}")`);
    nextRunAfter(schedule, Date.now(), Date.now()); // an expression that never matches fails here
    return this.add(name, schedule, ref, rest);
  }

  /** Every declared cron, in declaration order. */
  get jobs(): readonly CronJob[] {
    return [...this.byName.values()];
  }

  private add(name: string, schedule: CronSchedule, ref: Schedulable | string, rest: unknown[]): this {
    if (typeof name !== "string" || name.trim() === "" || name.length > 100)
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `a cron needs a name of 1 to 100 characters, got ${JSON.stringify(name)}`,
      );
    if (this.byName.has(name)) throw new OrreryError("INVALID_ARGUMENT", `two crons are named "${name}"`);
    const [args = {}, options = {}] = rest as [unknown, CronOptions | undefined];
    const fn = functionName(ref);
    if (
      options.namespace !== undefined &&
      (typeof options.namespace !== "string" || options.namespace === "")
    )
      throw new OrreryError("INVALID_ARGUMENT", `cron "${name}": namespace must be a non-empty string`);
    const spec = JSON.stringify({ schedule: describeSchedule(schedule), fn, args: toWire(args) });
    this.byName.set(name, {
      name,
      schedule,
      functionName: fn,
      args,
      spec,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    });
    return this;
  }
}

/** A new, empty set of crons. */
export function cronJobs(): CronJobs {
  return new CronJobs();
}
