import { type BenchContext, writesFor } from "../context";
import { frame } from "../peers/orrery";
import { wsUrl } from "../peers/peer";
import { type RequestClient, type RequestRun, requestClient, runRequests } from "../requests";
import { median, quantile, ratio, sum } from "../stats";

/** One write path of case 5: how the driver opens it. */
interface WritePath {
  readonly name: string;
  open(ctx: BenchContext): Promise<RequestClient>;
}

/** Orrery over its socket: `mutation({key, n})` per request, answered by its `mutationResult`. */
const orreryMutations = (name: string, prefix: string, mutation: string): WritePath => ({
  name,
  open: (ctx) =>
    requestClient(
      wsUrl(ctx.base, `/${prefix}/${ctx.room(prefix)}/ws`),
      (index) =>
        frame({
          type: "mutate",
          requestId: `r${index}`,
          mutation,
          args: { key: `k${index % 50}`, n: index },
        }),
      (frame) => frame.type === "mutationResult",
      (frame) => (frame.ok === true ? null : `${name}: ${JSON.stringify(frame.error)}`),
    ),
});

/** A raw Durable Object answering `{"ok":true}` after its insert. */
const rawInserts = (name: string, path: string, frameFor: (index: number) => string): WritePath => ({
  name,
  open: (ctx) =>
    requestClient(
      wsUrl(ctx.base, `/${path}/${ctx.room(path)}`),
      frameFor,
      (frame) => "ok" in frame,
      (frame) => (frame.ok === true ? null : `${name}: ${String(frame.error)}`),
    ),
});

const ORRERY_DO = orreryMutations("Orrery rows:insert (DO SQLite)", "orrery", "rows:insert");
const RAW_DO = rawInserts("raw sql.exec insert (DO SQLite)", "raw", (index) =>
  JSON.stringify({ key: `k${index % 50}`, value: index, ack: true }),
);
const ORRERY_PG = orreryMutations("Orrery entries:insert (Postgres)", "orrery-pg", "entries:insert");
const RAW_PG = rawInserts("raw postgres.js INSERT", "raw-pg", (index) =>
  JSON.stringify({ key: `k${index % 50}`, n: index }),
);
const ORRERY_MYSQL = orreryMutations("Orrery entries:insert (MySQL)", "orrery-mysql", "entries:insert");
const RAW_MYSQL = rawInserts("raw mysql2 INSERT", "raw-mysql", (index) =>
  JSON.stringify({ key: `k${index % 50}`, n: index }),
);

/**
 * Each round is cut into batches, the two paths taking turns, and writes/s is the median over
 * batches: on a shared machine one stall (another process, a GC) in a long batch would
 * otherwise decide the figure. The latency columns keep every request, stalls included.
 */
const BATCHES = 5;

/** One write path's figures over every round. */
export interface PathFigures {
  readonly path: string;
  readonly window: number;
  readonly requests: number;
  /** The median over batches of requests ÷ elapsed time. */
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** A pair (Orrery, raw) on one engine, and Orrery's share of the raw path's throughput. */
export interface ThroughputPair {
  readonly engine: string;
  readonly orrery: PathFigures;
  readonly raw: PathFigures;
  /** Orrery's mutations/s ÷ the raw path's. */
  readonly share: number;
}

async function measurePair(
  ctx: BenchContext,
  engine: string,
  paths: readonly [WritePath, WritePath],
  requests: number,
  window: number,
): Promise<ThroughputPair> {
  ctx.log(`case 5, write throughput: ${engine}, ${requests} requests per round, ${window} in flight`);
  const clients = [await paths[0].open(ctx), await paths[1].open(ctx)] as const;
  try {
    // Warm-up: the first write opens the database connection, creates the tables, prepares.
    for (const client of clients) await runRequests(client, 10, 1);
    const runs: [RequestRun[], RequestRun[]] = [[], []];
    const batch = Math.ceil(requests / BATCHES);
    for (let round = 0; round < ctx.options.rounds; round++) {
      for (let b = 0; b < BATCHES; b++) {
        const order = (round * BATCHES + b) % 2 === 0 ? [0, 1] : [1, 0];
        for (const index of order) {
          const client = clients[index as 0 | 1];
          runs[index as 0 | 1].push(await runRequests(client, batch, window));
        }
      }
    }
    const figures = (index: 0 | 1): PathFigures => {
      const all = runs[index];
      const total = sum(all.map((run) => run.requests));
      const latencies = all.flatMap((run) => run.latencies);
      return {
        path: paths[index].name,
        window,
        requests: total,
        perSecond: median(all.map((run) => (run.requests / run.elapsedMs) * 1000)),
        p50: median(latencies),
        p95: quantile(latencies, 0.95),
        max: Math.max(...latencies),
      };
    };
    const orrery = figures(0);
    const raw = figures(1);
    return { engine, orrery, raw, share: ratio(orrery.perSecond, raw.perSecond) };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/**
 * Case 5: single-row writes, Orrery's mutation against the raw write on the same engine, over
 * the same kind of socket. In the Durable Object's SQLite both pipelined (32 in flight: the
 * object is the bottleneck) and one at a time; on Postgres and MySQL through Hyperdrive one
 * round trip at a time.
 */
export async function throughput(ctx: BenchContext, withDatabases: boolean): Promise<ThroughputPair[]> {
  const pairs: ThroughputPair[] = [];
  pairs.push(
    await measurePair(
      ctx,
      "DO SQLite, 32 in flight",
      [ORRERY_DO, RAW_DO],
      writesFor(ctx.options, 1500, 300),
      32,
    ),
  );
  pairs.push(
    await measurePair(ctx, "DO SQLite, 1 in flight", [ORRERY_DO, RAW_DO], writesFor(ctx.options, 300, 60), 1),
  );
  if (withDatabases) {
    pairs.push(await measurePair(ctx, "Postgres", [ORRERY_PG, RAW_PG], writesFor(ctx.options, 150, 50), 1));
    pairs.push(
      await measurePair(ctx, "MySQL", [ORRERY_MYSQL, RAW_MYSQL], writesFor(ctx.options, 150, 50), 1),
    );
  }
  return pairs;
}
