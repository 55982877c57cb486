import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { takeCommitTimes } from "./commit-times";
import { functionShares, startCpuProfile } from "./cpu-profile";
import { FanoutSession } from "./fanout";
import { takeValue, UsageError } from "./options";
import { frame, orreryPeer } from "./peers/orrery";
import { wsUrl } from "./peers/peer";
import { requestClient, runRequests } from "./requests";
import { stageWorker } from "./stage-worker";
import { median } from "./stats";
import { startWranglerDev } from "./wrangler-dev";

export const PROFILE_USAGE = `Usage: pnpm --filter @orrery/bench bench:profile [-- <options>]

Where a commit's time goes inside the Durable Object, with V8's sampling profiler running in the
worker's isolate: by default one writer increments a counter that N subscribers watch (case 1
of docs/benchmarks.md); with --inserts, one socket sends rows:insert mutations with n in flight
(case 5 on the object's SQLite). Prints the commit time the object measures itself (commit +
fan-out), the driver's p50, and the functions that took the most samples.

Options:
  --subscribers <n>  subscribers of the counter (default 1)
  --inserts <n>      profile case 5's inserts instead, n in flight (no subscribers)
  --writes <n>       profiled writes, after 300 unprofiled ones (default 2000)
  --top <n>          functions listed (default 30)
  --rev <commit>     profile Orrery as of that commit instead of the working tree
  --out <file>       also save the profile (open it in Chrome's DevTools, Performance tab)
  -h, --help         show this help

Exit codes: 0 done, 1 the run failed, 2 bad usage.`;

export interface ProfileOptions {
  readonly subscribers: number;
  /** Case 5's inserts with this many in flight instead of the counter's fan-out; null: the fan-out. */
  readonly inserts: number | null;
  readonly writes: number;
  readonly top: number;
  readonly rev: string | null;
  readonly out: string | null;
}

export function parseProfileOptions(argv: readonly string[]): ProfileOptions | "help" {
  const options = {
    subscribers: 1,
    inserts: null as number | null,
    writes: 2000,
    top: 30,
    rev: null as string | null,
    out: null as string | null,
  };
  const args = [...argv];
  const valueAfter = (flag: string) => takeValue(args, flag);
  const count = (flag: string, least: number): number => {
    const text = valueAfter(flag);
    const value = Number(text);
    if (!Number.isInteger(value) || value < least)
      throw new UsageError(`${flag} takes a whole number of at least ${least}, not "${text}"`);
    return value;
  };
  let subscribersGiven = false;
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
        subscribersGiven = true;
        break;
      case "--inserts":
        options.inserts = count(flag, 1);
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
  if (subscribersGiven && options.inserts !== null)
    throw new UsageError("--inserts profiles writes with no subscribers: drop --subscribers");
  return options;
}

const WARMUP_WRITES = 300;
const log = (line: string) => process.stderr.write(`profile: ${line}\n`);
const percent = (share: number) => `${(100 * share).toFixed(1).padStart(5)}%`;

/** What the profiled writes are: `run(n)` makes n of them and returns their latencies (ms). */
interface Workload {
  readonly describe: string;
  run(writes: number): Promise<number[]>;
  close(): Promise<void>;
}

async function fanoutWorkload(base: string, room: string, subscribers: number): Promise<Workload> {
  const keys = Array.from({ length: subscribers }, () => "c");
  const session = await FanoutSession.open(orreryPeer(), base, { room, keys, seed: ["c"] });
  return {
    describe: `${subscribers} subscriber(s)`,
    run: async (writes) => (await session.run(Array.from({ length: writes }, () => "c"))).latencies,
    close: () => session.close(),
  };
}

async function insertsWorkload(base: string, room: string, inFlight: number): Promise<Workload> {
  const client = await requestClient(
    wsUrl(base, `/orrery/${room}/ws`),
    (index) =>
      frame({
        type: "mutate",
        requestId: `r${index}`,
        mutation: "rows:insert",
        args: { key: `k${index % 50}`, n: index },
      }),
    (answer) => answer.type === "mutationResult",
    (answer) => (answer.ok === true ? null : `rows:insert: ${JSON.stringify(answer.error)}`),
  );
  return {
    describe: `rows:insert, ${inFlight} in flight`,
    run: async (writes) => (await runRequests(client, writes, inFlight)).latencies,
    close: () => client.close(),
  };
}

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
      const workload =
        options.inserts === null
          ? await fanoutWorkload(dev.url, room, options.subscribers)
          : await insertsWorkload(dev.url, room, options.inserts);
      try {
        log(`${WARMUP_WRITES} writes to warm up…`);
        await workload.run(WARMUP_WRITES);
        await takeCommitTimes(dev.url, room);
        log(`${options.writes} profiled writes, ${workload.describe}…`);
        const stop = await startCpuProfile(dev.inspectorUrl);
        const latencies = await workload.run(options.writes);
        const cpu = await stop();
        const times = await takeCommitTimes(dev.url, room);
        if (options.out) {
          writeFileSync(options.out, JSON.stringify(cpu));
          log(`saved the profile to ${options.out}`);
        }
        const shares = functionShares(cpu);
        const lines = [
          `${options.writes} writes, ${workload.describe}: the object's commit + fan-out ${(times.totalMs / times.count).toFixed(3)} ms, driver p50 ${median(latencies).toFixed(3)} ms (${cpu.samples.length} samples)`,
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
        await workload.close();
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
