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
const RAW_DO_COMMIT = rawInserts("raw DO running Orrery's statements (DO SQLite)", "raw-commit", (index) =>
  JSON.stringify({ requestId: `r${index}`, key: `k${index % 50}`, n: index }),
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
  /**
   * On the object's SQLite: a raw object running exactly the statements of Orrery's commit,
   * measured in the same batches; what share of the raw path Orrery's storage work alone leaves.
   */
  readonly statements?: { readonly figures: PathFigures; readonly share: number };
}

async function measurePair(
  ctx: BenchContext,
  engine: string,
  [orreryPath, rawPath, statementsPath]: readonly [WritePath, WritePath, WritePath?],
  requests: number,
  window: number,
): Promise<ThroughputPair> {
  ctx.log(`case 5, write throughput: ${engine}, ${requests} requests per round, ${window} in flight`);
  const paths = [orreryPath, rawPath];
  const clients: RequestClient[] = [];
  try {
    for (const path of paths) clients.push(await path.open(ctx));
    // Warm-up: the first write opens the database connection, creates the tables, prepares.
    for (const client of clients) await runRequests(client, 10, 1);
    if (statementsPath) {
      // Its statements are today's: an Orrery measured with `--rev` may have other tables.
      let client: RequestClient | null = null;
      try {
        client = await statementsPath.open(ctx);
        await runRequests(client, 10, 1);
        paths.push(statementsPath);
        clients.push(client);
      } catch (error) {
        await client?.close();
        ctx.log(
          `${statementsPath.name}: left out (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    }
    const runs: RequestRun[][] = paths.map(() => []);
    const batch = Math.ceil(requests / BATCHES);
    for (let round = 0; round < ctx.options.rounds; round++) {
      for (let b = 0; b < BATCHES; b++) {
        // Forward, then backward: drift in the machine's load falls on every path alike.
        const forward = (round * BATCHES + b) % 2 === 0;
        for (let k = 0; k < paths.length; k++) {
          const index = forward ? k : paths.length - 1 - k;
          runs[index]!.push(await runRequests(clients[index]!, batch, window));
        }
      }
    }
    const figures = (index: number): PathFigures => {
      const all = runs[index]!;
      const total = sum(all.map((run) => run.requests));
      const latencies = all.flatMap((run) => run.latencies);
      return {
        path: paths[index]!.name,
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
    const pair: ThroughputPair = { engine, orrery, raw, share: ratio(orrery.perSecond, raw.perSecond) };
    if (paths.length < 3) return pair;
    const statements = figures(2);
    return {
      ...pair,
      statements: { figures: statements, share: ratio(statements.perSecond, raw.perSecond) },
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/**
 * Case 5: single-row writes, Orrery's mutation against the raw write on the same engine, over
 * the same kind of socket. In the Durable Object's SQLite both pipelined (32 in flight: the
 * object is the bottleneck) and one at a time, each beside a raw object running Orrery's own
 * statements; on Postgres and MySQL through Hyperdrive one round trip at a time.
 */
export async function throughput(ctx: BenchContext, withDatabases: boolean): Promise<ThroughputPair[]> {
  const pairs: ThroughputPair[] = [];
  pairs.push(
    await measurePair(
      ctx,
      "DO SQLite, 32 in flight",
      [ORRERY_DO, RAW_DO, RAW_DO_COMMIT],
      writesFor(ctx.options, 1500, 300),
      32,
    ),
  );
  pairs.push(
    await measurePair(
      ctx,
      "DO SQLite, 1 in flight",
      [ORRERY_DO, RAW_DO, RAW_DO_COMMIT],
      writesFor(ctx.options, 300, 60),
      1,
    ),
  );
  if (withDatabases) {
    pairs.push(await measurePair(ctx, "Postgres", [ORRERY_PG, RAW_PG], writesFor(ctx.options, 150, 50), 1));
    pairs.push(
      await measurePair(ctx, "MySQL", [ORRERY_MYSQL, RAW_MYSQL], writesFor(ctx.options, 150, 50), 1),
    );
  }
  return pairs;
}
