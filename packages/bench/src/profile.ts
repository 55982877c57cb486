import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { takeCommitTimes } from "./commit-times";
import { functionShares, startCpuProfile } from "./cpu-profile";
import { FanoutSession } from "./fanout";
import { UsageError } from "./options";
import { orreryPeer } from "./peers/orrery";
import { stageWorker } from "./stage-worker";
import { median } from "./stats";
import { startWranglerDev } from "./wrangler-dev";

export const PROFILE_USAGE = `Usage: pnpm --filter @orrery/bench bench:profile [-- <options>]

Where a commit's time goes inside the Durable Object: one writer increments a counter that N
subscribers watch (case 1 of docs/benchmarks.md), with V8's sampling profiler running in the
worker's isolate. Prints the commit time the object measures itself (commit + fan-out), the
driver's p50, and the functions that took the most samples.

Options:
  --subscribers <n>  subscribers of the counter (default 1)
  --writes <n>       profiled writes, after 300 unprofiled ones (default 2000)
  --top <n>          functions listed (default 30)
  --rev <commit>     profile Orrery as of that commit instead of the working tree
  --out <file>       also save the profile (open it in Chrome's DevTools, Performance tab)
  -h, --help         show this help

Exit codes: 0 done, 1 the run failed, 2 bad usage.`;

export interface ProfileOptions {
  readonly subscribers: number;
  readonly writes: number;
  readonly top: number;
  readonly rev: string | null;
  readonly out: string | null;
}

export function parseProfileOptions(argv: readonly string[]): ProfileOptions | "help" {
  const options = {
    subscribers: 1,
    writes: 2000,
    top: 30,
    rev: null as string | null,
    out: null as string | null,
  };
  const args = [...argv];
  const valueAfter = (flag: string): string => {
    const value = args.shift();
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return value;
  };
  const count = (flag: string, least: number): number => {
    const text = valueAfter(flag);
    const value = Number(text);
    if (!Number.isInteger(value) || value < least)
      throw new UsageError(`${flag} takes a whole number of at least ${least}, not "${text}"`);
    return value;
  };
  while (args.length > 0) {
    const flag = args.shift()!;
    switch (flag) {
      case "--":
        break;
      case "-h":
      case "--help":
        return "help";
      case "--subscribers":
        options.subscribers = count(flag, 1);
        break;
      case "--writes":
        options.writes = count(flag, 1);
        break;
      case "--top":
        options.top = count(flag, 1);
        break;
      case "--rev":
        options.rev = valueAfter(flag);
        break;
      case "--out":
        options.out = valueAfter(flag);
        break;
      default:
        throw new UsageError(`unknown option "${flag}" (see --help)`);
    }
  }
  return options;
}

const WARMUP_WRITES = 300;
const log = (line: string) => process.stderr.write(`profile: ${line}\n`);
const percent = (share: number) => `${(100 * share).toFixed(1).padStart(5)}%`;

async function profile(options: ProfileOptions): Promise<string> {
  log(
    options.rev ? `staging the bench worker with Orrery as of ${options.rev}…` : "staging the bench worker…",
  );
  const staged = stageWorker(options.rev);
  try {
    log("starting wrangler dev…");
    const dev = await startWranglerDev(staged.config, {});
    try {
      const room = `profile-${Date.now()}`;
      const keys = Array.from({ length: options.subscribers }, () => "c");
      const session = await FanoutSession.open(orreryPeer(), dev.url, { room, keys, seed: ["c"] });
      try {
        log(`${WARMUP_WRITES} writes to warm up…`);
        await session.run(Array.from({ length: WARMUP_WRITES }, () => "c"));
        await takeCommitTimes(dev.url, room);
        log(`${options.writes} profiled writes to ${options.subscribers} subscriber(s)…`);
        const stop = await startCpuProfile(dev.inspectorUrl);
        const round = await session.run(Array.from({ length: options.writes }, () => "c"));
        const cpu = await stop();
        const times = await takeCommitTimes(dev.url, room);
        if (options.out) {
          writeFileSync(options.out, JSON.stringify(cpu));
          log(`saved the profile to ${options.out}`);
        }
        const shares = functionShares(cpu);
        const lines = [
          `${options.writes} writes, ${options.subscribers} subscriber(s): the object's commit + fan-out ${(times.totalMs / times.count).toFixed(3)} ms, driver p50 ${median(round.latencies).toFixed(3)} ms (${cpu.samples.length} samples)`,
          "",
          "  total   self  function",
          ...shares.slice(0, options.top).map((f) => `${percent(f.total)} ${percent(f.self)}  ${f.name}`),
          "",
          "most self time:",
          ...[...shares]
            .sort((a, b) => b.self - a.self)
            .slice(0, options.top)
            .map((f) => `${percent(f.self)}  ${f.name}`),
        ];
        return `${lines.join("\n")}\n`;
      } finally {
        await session.close();
      }
    } finally {
      await dev.stop();
    }
  } finally {
    staged.remove();
  }
}

async function main(): Promise<number> {
  let options: ProfileOptions | "help";
  try {
    options = parseProfileOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(error.message);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${PROFILE_USAGE}\n`);
    return 0;
  }
  try {
    process.stdout.write(await profile(options));
    return 0;
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
