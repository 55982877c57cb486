/**
 * How many times `tasks:listThenFail` ran, by list: the sync tests count re-runs with it. Kept
 * out of the tasks module, whose exports are all functions (see functions-types.test.ts).
 */
export const listThenFailRuns = new Map<string, number>();

/** While set, `tasks:listWhileDown` fails as a query does when its database is unreachable. */
export const outage = { down: false, runs: 0 };
