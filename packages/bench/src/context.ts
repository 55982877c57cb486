import type { BenchOptions } from "./options";

/** What every case gets: where the worker is, the options, and a progress line writer. */
export interface BenchContext {
  readonly base: string;
  readonly inspectorUrl: string;
  readonly workerdPid: () => number | undefined;
  readonly options: BenchOptions;
  /** A progress line on stderr (the tables go to stdout). */
  readonly log: (line: string) => void;
  /** A room / namespace name never used before in this run. */
  readonly room: (label: string) => string;
}

/** Writes per round: the full count, or a third of it (at least `floor`) with --quick. */
export const writesFor = (options: BenchOptions, full: number, floor = 10): number =>
  options.quick ? Math.max(floor, Math.round(full / 3)) : full;
