import type { PeerFigures } from "./cases/compare";
import { versus } from "./cases/compare";
import type { SharedResult } from "./cases/shared";
import { growth, type MemoryFigures, type ScalingFigures } from "./cases/subscriptions";
import type { PathFigures, ThroughputPair } from "./cases/throughput";
import type { Machine } from "./machine";
import { count, markdownTable, megabytes, ms, times } from "./markdown-table";
import { ratio } from "./stats";

/** Everything a run measured (also the `--json` output). */
export interface BenchResults {
  readonly machine: Machine;
  /** Which Orrery was measured (a commit, or the working tree). */
  readonly orrery: string;
  readonly quick: boolean;
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly shared?: SharedResult[];
  readonly selectivity?: PeerFigures[];
  readonly scaling?: ScalingFigures[];
  readonly memory?: MemoryFigures | null;
  readonly throughput?: ThroughputPair[];
}

const ORRERY = "Orrery";
const BROADCASTING_PEERS = ["floor", "raw DO", "TinyBase", "Agents"];
const MEMORY_BUDGET_BYTES = 64 * 2 ** 20;

interface Target {
  readonly what: string;
  readonly measured: string;
  readonly met: boolean;
}

const verdict = (met: boolean) => (met ? "yes" : "**no**");

function sharedTargets(shared: readonly SharedResult[]): Target[] {
  const targets: Target[] = [];
  for (const { n, figures } of shared) {
    const orrery = figures.find((entry) => entry.peer === ORRERY);
    if (!orrery) continue;
    const limit = n === 1 ? 1.5 : n >= 100 ? 1.2 : null;
    const toFloor = versus(figures, orrery).p50;
    if (limit !== null)
      targets.push({
        what: `shared query, N = ${n}: p50 ≤ ${limit}× the floor`,
        measured: times(toFloor),
        met: toFloor <= limit,
      });
    const peers = figures.filter(
      (entry) => (entry.peer === "TinyBase" || entry.peer === "Agents") && !entry.failure,
    );
    if (peers.length > 0) {
      const best = Math.min(...peers.map((entry) => entry.p50));
      targets.push({
        what: `shared query, N = ${n}: p50 at or under TinyBase and Agents`,
        measured: `${ms(orrery.p50)} ms vs ${peers.map((entry) => `${entry.peer} ${ms(entry.p50)}`).join(", ")}`,
        met: orrery.p50 <= best,
      });
    }
  }
  return targets;
}

function targetsOf(results: BenchResults): Target[] {
  const targets = results.shared ? sharedTargets(results.shared) : [];
  const orrery = results.selectivity?.find((entry) => entry.peer === ORRERY);
  const broadcasting =
    results.selectivity?.filter((entry) => BROADCASTING_PEERS.includes(entry.peer) && !entry.failure) ?? [];
  if (orrery && broadcasting.length > 0) {
    const fastest = broadcasting.reduce((a, b) => (a.lastP50 <= b.lastP50 ? a : b));
    const share = ratio(orrery.affectedP50, fastest.lastP50);
    targets.push({
      what: "selectivity: affected subscriber ≤ 0.2× a broadcasting peer's last of 500",
      measured: `${times(share)} (${ms(orrery.affectedP50)} ms vs ${fastest.peer}'s ${ms(fastest.lastP50)} ms)`,
      met: share <= 0.2,
    });
    targets.push({
      what: "selectivity: 0 frames to the other 499",
      measured: `${orrery.othersFrames} frames`,
      met: orrery.othersFrames === 0,
    });
  }
  const at1000 = results.scaling?.find((entry) => entry.subscriptions === 1_000);
  if (results.scaling && at1000) {
    const grew = growth(results.scaling, at1000);
    targets.push({
      what: "server time per commit at 1,000 subscriptions ≤ 1.2× at 10",
      measured: times(grew),
      met: grew <= 1.2,
    });
  }
  if (results.memory) {
    const used = results.memory.after.usedBytes;
    targets.push({
      what: "10,000 subscriptions in one Durable Object < 64 MB",
      measured: `${megabytes(used)} MB isolate heap (${megabytes(used - results.memory.before.usedBytes)} MB for the subscriptions)`,
      met: used < MEMORY_BUDGET_BYTES,
    });
  }
  for (const pair of results.throughput ?? []) {
    if (pair.raw.window === 1 && pair.engine.startsWith("DO")) continue;
    const limit = pair.engine.startsWith("DO") ? 0.5 : 0.8;
    targets.push({
      what: `writes, ${pair.engine}: Orrery ≥ ${limit * 100}% of the raw path`,
      measured: `${(pair.share * 100).toFixed(0)}%`,
      met: pair.share >= limit,
    });
  }
  return targets;
}

/** A failed optional peer's row: its reason in the first figure column, dashes after. */
const failedRow = (lead: readonly string[], entry: PeerFigures, columns: number): string[] => [
  ...lead,
  `failed: ${entry.failure}`,
  ...Array.from({ length: columns - lead.length - 1 }, () => "–"),
];

function sharedTable(shared: readonly SharedResult[]): string {
  const rows = shared.flatMap(({ n, figures }) =>
    figures.map((entry) => {
      if (entry.failure) return failedRow([String(n), entry.peer], entry, 11);
      const toFloor = versus(figures, entry);
      return [
        String(n),
        entry.peer,
        ms(entry.p50),
        ms(entry.p95),
        ms(entry.p99),
        ms(entry.lastP50),
        times(toFloor.p50),
        times(toFloor.lastP50),
        count(entry.framesPerWrite, 2),
        count(entry.bytesPerWrite, 0),
        count(entry.cpuMicrosPerWrite, 0),
      ];
    }),
  );
  return markdownTable(
    [
      "N",
      "peer",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "last p50 ms",
      "p50 ÷ floor",
      "last ÷ floor",
      "frames/write/sub",
      "bytes/write/sub",
      "driver CPU µs/write",
    ],
    rows,
  );
}

function selectivityTable(figures: readonly PeerFigures[]): string {
  const floor = figures.find((entry) => entry.peer === "floor");
  return markdownTable(
    [
      "peer",
      "affected p50 ms",
      "last p50 ms",
      "affected ÷ floor's last",
      "frames/write to each other subscriber",
      "frames to others (total)",
      "driver CPU µs/write",
    ],
    figures.map((entry) =>
      entry.failure
        ? failedRow([entry.peer], entry, 7)
        : [
            entry.peer,
            ms(entry.affectedP50),
            ms(entry.lastP50),
            times(ratio(entry.affectedP50, floor?.lastP50 ?? Number.NaN)),
            count(entry.othersFramesPerWrite, 3),
            count(entry.othersFrames),
            count(entry.cpuMicrosPerWrite, 0),
          ],
    ),
  );
}

function scalingTable(scaling: readonly ScalingFigures[]): string {
  return markdownTable(
    [
      "subscriptions",
      "connections",
      "commits",
      "DO ms/commit",
      "÷ at 10",
      "round trip p50 ms",
      "frames to untouched",
    ],
    scaling.map((entry) => [
      count(entry.subscriptions),
      count(entry.connections),
      count(entry.commits),
      entry.doMsPerCommit.toFixed(3),
      times(growth(scaling, entry)),
      ms(entry.roundTripP50),
      count(entry.untouchedFrames),
    ]),
  );
}

function memoryTable(memory: MemoryFigures): string {
  const grew = memory.after.usedBytes - memory.before.usedBytes;
  const rssGrew =
    memory.rssAfter !== undefined && memory.rssBefore !== undefined
      ? memory.rssAfter - memory.rssBefore
      : undefined;
  return markdownTable(
    [
      "subscriptions",
      "connections",
      "heap before MB",
      "heap after MB",
      "growth MB",
      "bytes/subscription",
      "workerd RSS growth MB",
      "setup s",
    ],
    [
      [
        count(memory.subscriptions),
        count(memory.connections),
        megabytes(memory.before.usedBytes),
        megabytes(memory.after.usedBytes),
        megabytes(grew),
        count(grew / memory.subscriptions),
        megabytes(rssGrew),
        (memory.setupMs / 1000).toFixed(1),
      ],
    ],
  );
}

const pathCells = (engine: string, path: PathFigures): string[] => [
  engine,
  path.path,
  count(path.requests),
  count(path.perSecond),
  ms(path.p50),
  ms(path.p95),
  ms(path.max),
];

function throughputTable(pairs: readonly ThroughputPair[]): string {
  return markdownTable(
    ["engine", "path", "writes", "writes/s", "p50 ms", "p95 ms", "max ms", "÷ raw"],
    pairs.flatMap((pair) => [
      [...pathCells(pair.engine, pair.orrery), times(pair.share)],
      ...(pair.statements
        ? [[...pathCells(pair.engine, pair.statements.figures), times(pair.statements.share)]]
        : []),
      [...pathCells(pair.engine, pair.raw), ""],
    ]),
  );
}

/** The results as markdown: a header naming the machine, the targets, then one table per case. */
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const parts = [
    `Measured ${m.date} · ${results.quick ? "--quick (1 round, fewer writes, case 1 up to N = 100: a smoke run, not figures)" : `${results.rounds} rounds`} · ${Math.round(results.durationSeconds)} s`,
    "",
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB · load average ${m.loadAverage.toFixed(2)} at start · Node ${m.node} · wrangler ${m.wrangler} · workerd ${m.workerd} · Durable Object storage on ${m.storage}`,
    "",
    `Orrery: ${results.orrery}`,
  ];
  const targets = targetsOf(results);
  if (targets.length > 0) {
    parts.push(
      "",
      "#### Targets (issue 14)",
      "",
      markdownTable(
        ["target", "measured", "met"],
        targets.map((t) => [t.what, t.measured, verdict(t.met)]),
      ),
    );
  }
  if (results.shared) parts.push("", "#### 1. Shared query", "", sharedTable(results.shared));
  if (results.selectivity)
    parts.push(
      "",
      "#### 2. Selectivity: 500 subscribers on 500 keys",
      "",
      selectivityTable(results.selectivity),
    );
  if (results.scaling?.length)
    parts.push(
      "",
      "#### 3. Server time per commit, one subscription touched",
      "",
      scalingTable(results.scaling),
    );
  if (results.memory)
    parts.push("", "#### 4. Memory: 10,000 live subscriptions", "", memoryTable(results.memory));
  if (results.throughput) parts.push("", "#### 5. Write throughput", "", throughputTable(results.throughput));
  return `${parts.join("\n")}\n`;
}
