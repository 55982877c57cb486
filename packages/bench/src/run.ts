import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type DatabaseServer, startMariaDb, startPostgres } from "@orrery/test-harness";
import { selectivity } from "./cases/selectivity";
import { sharedQuery } from "./cases/shared";
import { subscriptionCases } from "./cases/subscriptions";
import { throughput } from "./cases/throughput";
import type { BenchContext } from "./context";
import { describeMachine } from "./machine";
import { type BenchOptions, parseOptions, USAGE, UsageError } from "./options";
import { agentPeer } from "./peers/agent";
import { orreryPeer } from "./peers/orrery";
import type { Peer } from "./peers/peer";
import { floorPeer, rawCommitPeer, rawPeer } from "./peers/relay";
import { tinybasePeer } from "./peers/tinybase";
import { type BenchResults, renderMarkdown } from "./report";
import { stageWorker } from "./stage-worker";
import { startWranglerDev } from "./wrangler-dev";
import { writeResults } from "./write-doc";

const DOC = fileURLToPath(new URL("../../../docs/benchmarks.md", import.meta.url));

/** The fan-out peers, the floor first: every ratio is to it. */
export const PEERS: readonly Peer[] = [floorPeer, rawPeer, orreryPeer(), tinybasePeer, agentPeer];

/** Case 1 also runs Orrery's statements without Orrery, beside the raw DO. */
const SHARED_PEERS: readonly Peer[] = [
  floorPeer,
  rawPeer,
  rawCommitPeer,
  orreryPeer(),
  tinybasePeer,
  agentPeer,
];

const startedAt = performance.now();
/** A progress line on stderr, with the seconds since the start. */
const log = (line: string) =>
  process.stderr.write(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

/** Runs the selected cases against one `wrangler dev` (and, for case 5, Postgres and MariaDB). */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const started = performance.now();
  const machine = describeMachine();
  log(
    options.rev ? `staging the bench worker with Orrery as of ${options.rev}…` : "staging the bench worker…",
  );
  const staged = stageWorker(options.rev);
  const databases: DatabaseServer[] = [];
  try {
    const env: Record<string, string> = {};
    if (options.cases.has("throughput")) {
      log("starting Postgres and MariaDB (case 5)…");
      const [pg, mysql] = await Promise.all([startPostgres(), startMariaDb()]);
      databases.push(pg, mysql);
      env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE_PG = pg.url;
      env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE_MYSQL = mysql.url;
    }
    log("starting wrangler dev…");
    const dev = await startWranglerDev(staged.config, env);
    let rooms = 0;
    const ctx: BenchContext = {
      base: dev.url,
      inspectorUrl: dev.inspectorUrl,
      workerdPid: dev.workerdPid,
      options,
      log,
      room: (label) => `${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${++rooms}`,
    };
    try {
      const results: { -readonly [K in keyof BenchResults]?: BenchResults[K] } = {};
      // First, while the isolate holds little besides Orrery: case 4 reads the isolate's heap.
      if (options.cases.has("scaling") || options.cases.has("memory")) {
        const found = await subscriptionCases(ctx, {
          scaling: options.cases.has("scaling"),
          memory: options.cases.has("memory"),
        });
        if (options.cases.has("scaling")) results.scaling = found.scaling;
        if (options.cases.has("memory")) results.memory = found.memory;
      }
      if (options.cases.has("shared")) results.shared = await sharedQuery(ctx, SHARED_PEERS);
      if (options.cases.has("selectivity")) results.selectivity = await selectivity(ctx, PEERS);
      if (options.cases.has("throughput")) results.throughput = await throughput(ctx, true);
      return {
        ...results,
        machine,
        orrery: staged.orrery,
        quick: options.quick,
        rounds: options.rounds,
        durationSeconds: (performance.now() - started) / 1000,
      };
    } catch (error) {
      log(`wrangler dev's last output:\n${dev.output().slice(-3000)}`);
      throw error;
    } finally {
      await dev.stop();
    }
  } finally {
    await Promise.all(databases.map((database) => database.stop()));
    staged.remove();
  }
}

async function main(): Promise<number> {
  let options: BenchOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2), process.env, DOC);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(`bench: ${error.message}`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const results = await runBench(options);
    const markdown = renderMarkdown(results);
    process.stdout.write(`\n${markdown}`);
    if (options.out) {
      writeResults(options.out, markdown);
      log(`wrote the results to ${options.out}`);
    }
    if (options.json) {
      writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
      log(`wrote the raw results to ${options.json}`);
    }
    return 0;
  } catch (error) {
    log(`bench: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
