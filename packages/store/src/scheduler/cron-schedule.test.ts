import { describe, expect, it } from "vitest";
import { cronExpressionSchedule, intervalSchedule, nextRunAfter } from "./cron-schedule";

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, after: string) =>
  new Date(nextRunAfter(cronExpressionSchedule(expression, "test"), at(after), 0)).toISOString();

describe("cron expressions (UTC)", () => {
  it("finds the next minute that matches every field", () => {
    expect(next("0 3 * * *", "2026-01-01T12:00:00Z")).toBe("2026-01-02T03:00:00.000Z");
    expect(next("*/15 * * * *", "2026-01-01T12:07:30Z")).toBe("2026-01-01T12:15:00.000Z");
    expect(next("30 9 * * 1-5", "2026-01-02T10:00:00Z")).toBe("2026-01-05T09:30:00.000Z"); // Fri → Mon
    expect(next("0 0 1 */3 *", "2026-01-15T00:00:00Z")).toBe("2026-04-01T00:00:00.000Z");
    expect(next("0 12 * * 7", "2026-01-01T00:00:00Z")).toBe("2026-01-04T12:00:00.000Z"); // 7 is Sunday
    // Both day fields restricted: either matches, as in cron.
    expect(next("0 0 13 * 5", "2026-02-01T00:00:00Z")).toBe("2026-02-06T00:00:00.000Z");
    // Strictly after: a time that matches is not its own next run.
    expect(next("0 3 * * *", "2026-01-02T03:00:00Z")).toBe("2026-01-03T03:00:00.000Z");
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("refuses what is not a five-field expression, naming the field", () => {
    expect(() => cronExpressionSchedule("* * * *", 'crons.cron("x")')).toThrow(
      'crons.cron("x"): "* * * *" is not a cron expression of 5 fields',
    );
    expect(() => cronExpressionSchedule("61 * * * *", "c")).toThrow('the minute field "61" is not valid');
    expect(() => cronExpressionSchedule("* * * 0 *", "c")).toThrow('the month field "0" is not valid');
    expect(() => cronExpressionSchedule("*/0 * * * *", "c")).toThrow("not valid");
    expect(() => nextRunAfter(cronExpressionSchedule("0 0 31 2 *", "c"), 0, 0)).toThrow("never runs");
  });
});

describe("intervals", () => {
  it("keep their phase from the anchor and skip the runs a late wake-up missed", () => {
    const every = intervalSchedule({ minutes: 1, seconds: 30 }, "i");
    expect(every).toEqual({ kind: "interval", ms: 90_000 });
    expect(nextRunAfter(every, 1000, 1000)).toBe(91_000);
    expect(nextRunAfter(every, 1000 + 5 * 90_000 + 7, 1000)).toBe(1000 + 6 * 90_000);
  });

  it("must be at least a second, in known units", () => {
    expect(() => intervalSchedule({ seconds: 0.5 }, "i")).toThrow("at least 1 second");
    expect(() => intervalSchedule({ days: 1 } as never, "i")).toThrow("unknown unit days");
    expect(() => intervalSchedule({ hours: -1 }, "i")).toThrow("hours must be a number of at least 0");
  });
});
