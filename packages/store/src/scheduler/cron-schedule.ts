import { OrreryError } from "@orrery/protocol";

/** How often an interval cron runs: at least one of the units, adding up to one second or more. */
export interface IntervalSchedule {
  readonly seconds?: number;
  readonly minutes?: number;
  readonly hours?: number;
}

/** When a cron runs: every so long, or on a five-field cron expression (UTC). */
export type CronSchedule =
  | { readonly kind: "interval"; readonly ms: number }
  | { readonly kind: "cron"; readonly expression: string; readonly fields: CronFields };

interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  /** Standard cron: when both day fields are restricted, a time matching either runs. */
  readonly daysRestricted: boolean;
  readonly weekdaysRestricted: boolean;
}

const MINUTE = 60_000;

export function intervalSchedule(interval: IntervalSchedule, where: string): CronSchedule {
  const units = [
    ["seconds", 1000],
    ["minutes", MINUTE],
    ["hours", 60 * MINUTE],
  ] as const;
  let ms = 0;
  for (const [unit, size] of units) {
    const value = (interval as Record<string, unknown>)[unit];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      throw new OrreryError("INVALID_ARGUMENT", `${where}: ${unit} must be a number of at least 0`);
    ms += value * size;
  }
  const unknown = Object.keys(interval).filter((key) => !units.some(([unit]) => unit === key));
  if (unknown.length > 0)
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `${where}: unknown unit ${unknown.join(", ")} (use seconds, minutes or hours)`,
    );
  if (ms < 1000) throw new OrreryError("INVALID_ARGUMENT", `${where}: an interval must be at least 1 second`);
  return { kind: "interval", ms: Math.round(ms) };
}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

/** Parses "m h dom mon dow": `*`, numbers, ranges `a-b`, lists `a,b` and steps `*\/n`, `a-b/n`. */
export function cronExpressionSchedule(expression: string, where: string): CronSchedule {
  const parts = typeof expression === "string" ? expression.trim().split(/\s+/) : [];
  if (parts.length !== 5) {
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `${where}: ${JSON.stringify(expression)} is not a cron expression of 5 fields ("minute hour day-of-month month day-of-week", e.g. "0 3 * * *")`,
    );
  }
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!, where));
  const weekdays = new Set([...sets[4]!].map((day) => day % 7));
  return {
    kind: "cron",
    expression: parts.join(" "),
    fields: {
      minutes: sets[0]!,
      hours: sets[1]!,
      days: sets[2]!,
      months: sets[3]!,
      weekdays,
      daysRestricted: parts[2] !== "*",
      weekdaysRestricted: parts[4] !== "*",
    },
  };
}

function parseField(part: string, field: (typeof FIELDS)[number], where: string): Set<number> {
  const values = new Set<number>();
  const fail = (): never => {
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `${where}: the ${field.name} field "${part}" is not valid (${field.min}-${field.max}, "*", a-b, a,b or */n)`,
    );
  };
  for (const item of part.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) fail();
    const [, , low, high, step] = match!;
    const from = low === undefined ? field.min : Number(low);
    const to = low === undefined ? field.max : high === undefined ? (step ? field.max : from) : Number(high);
    const by = step === undefined ? 1 : Number(step);
    if (from < field.min || to > field.max || from > to || by < 1) fail();
    for (let value = from; value <= to; value += by) values.add(value);
  }
  return values;
}

/** The first time the schedule runs strictly after `after` (ms since the epoch). */
export function nextRunAfter(schedule: CronSchedule, after: number, anchor: number): number {
  if (schedule.kind === "interval") {
    // Keeps the interval's phase: the next multiple of it after `after`, counting from `anchor`.
    if (anchor > after) return anchor;
    return anchor + (Math.floor((after - anchor) / schedule.ms) + 1) * schedule.ms;
  }
  const f = schedule.fields;
  const t = new Date(Math.floor(after / MINUTE) * MINUTE + MINUTE);
  // Bounded: any valid expression matches within a few years (Feb 29 on a given weekday: 28).
  for (let steps = 0; steps < 200_000; steps++) {
    if (!f.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    const dayMatches = f.days.has(t.getUTCDate());
    const weekdayMatches = f.weekdays.has(t.getUTCDay());
    const dayOk =
      f.daysRestricted && f.weekdaysRestricted
        ? dayMatches || weekdayMatches
        : (!f.daysRestricted || dayMatches) && (!f.weekdaysRestricted || weekdayMatches);
    if (!dayOk) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!f.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!f.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t.getTime();
  }
  throw new OrreryError("INVALID_ARGUMENT", `cron "${schedule.expression}" never runs (e.g. February 31)`);
}

/** The schedule as text, for a cron run's `cronSpec`. */
export function describeSchedule(schedule: CronSchedule): string {
  return schedule.kind === "interval" ? `every ${schedule.ms} ms` : `cron ${schedule.expression}`;
}
