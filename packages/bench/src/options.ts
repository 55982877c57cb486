/** The cases of docs/benchmarks.md, by the name `--cases` takes. */
export const CASES = ["shared", "selectivity", "scaling", "memory", "throughput"] as const;
export type CaseName = (typeof CASES)[number];

export interface BenchOptions {
  /** One round with fewer writes: a check that everything runs, not figures to compare. */
  readonly quick: boolean;
  readonly rounds: number;
  readonly cases: ReadonlySet<CaseName>;
  /** Where the markdown goes (null: printed only). */
  readonly out: string | null;
  /** Where the raw results go as JSON (null: nowhere). */
  readonly json: string | null;
  /** Measure Orrery as of this commit instead of the working tree. */
  readonly rev: string | null;
}

export const USAGE = `Usage: pnpm bench [-- <options>]   (or: node --import tsx src/run.ts <options>)

Measures live-query fan-out and write throughput of Orrery beside a plain relay (the floor),
a raw Durable Object, TinyBase's Durable Object synchronizer and an Agents SDK Agent, all in
one "wrangler dev", and writes the tables to docs/benchmarks.md.

Options:
  --quick            one round with fewer writes (under 2 minutes); prints, writes no file
                     unless --out is given. Also ORRERY_BENCH_QUICK=1 (for turbo).
  --rounds <n>       rounds per case (default 3; --quick: 1)
  --cases <list>     comma-separated subset of: ${CASES.join(", ")} (default: all)
  --out <file>       the markdown file whose results block is replaced (default:
                     docs/benchmarks.md for a full run of every case; else none)
  --no-write         print only
  --rev <commit>     measure Orrery as of that commit (its packages taken with git archive)
                     instead of the working tree: "before" figures, e.g. --rev HEAD~3
  --json <file>      also write the raw results as JSON
  -h, --help         show this help

Exit codes: 0 done, 1 a measurement failed, 2 bad usage.`;

/** A usage error: one line, exit code 2. */
export class UsageError extends Error {}

/** Takes the value that follows `flag` off `args`; a missing one (or another flag) is a usage error. */
export function takeValue(args: string[], flag: string): string {
  const value = args.shift();
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
  return value;
}

/** Parses argv (after the script) and the ORRERY_BENCH_* environment. */
export function parseOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultOut: string,
): BenchOptions | "help" {
  let quick = env.ORRERY_BENCH_QUICK === "1" || env.ORRERY_BENCH_QUICK === "true";
  let rounds: number | null = null;
  let cases: Set<CaseName> = new Set(CASES);
  let out: string | null | undefined;
  let json: string | null = null;
  let rev: string | null = null;
  const args = [...argv];
  const valueAfter = (flag: string) => takeValue(args, flag);
  while (args.length > 0) {
    const arg = args.shift() as string;
    switch (arg) {
      case "--":
        break;
      case "-h":
      case "--help":
        return "help";
      case "--quick":
        quick = true;
        break;
      case "--rounds": {
        const value = valueAfter(arg);
        rounds = Number(value);
        if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20)
          throw new UsageError(`--rounds must be a whole number from 1 to 20, got "${value}"`);
        break;
      }
      case "--cases": {
        const names = valueAfter(arg)
          .split(",")
          .map((name) => name.trim());
        const unknown = names.filter((name) => !(CASES as readonly string[]).includes(name));
        if (unknown.length > 0)
          throw new UsageError(`unknown case "${unknown[0]}" in --cases (known: ${CASES.join(", ")})`);
        cases = new Set(names as CaseName[]);
        break;
      }
      case "--out":
        out = valueAfter(arg);
        break;
      case "--no-write":
        out = null;
        break;
      case "--json":
        json = valueAfter(arg);
        break;
      case "--rev":
        rev = valueAfter(arg);
        break;
      default:
        throw new UsageError(`unknown option "${arg}" (see --help)`);
    }
  }
  return {
    quick,
    rounds: rounds ?? (quick ? 1 : 3),
    cases,
    // Only a full run of every case replaces the published figures unless told otherwise.
    out: out === undefined ? (quick || cases.size < CASES.length ? null : defaultOut) : out,
    json,
    rev,
  };
}
