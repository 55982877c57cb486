import { type HeapUsage, heapAfterGc } from "@orrery/test-harness";
import { takeCommitTimes } from "../commit-times";
import { type BenchContext, writesFor } from "../context";
import { mapLimit } from "../fanout";
import { orreryPeer } from "../peers/orrery";
import { type Watcher, watchKeys } from "../peers/orrery-watcher";
import { residentBytes } from "../resident-bytes";
import { median, ratio } from "../stats";

/** Subscriptions per connection in cases 3 and 4 (a connection may hold 1000). */
export const PER_CONNECTION = 100;
export const SCALING_S = [10, 1_000, 10_000] as const;

export interface ScalingFigures {
  readonly subscriptions: number;
  readonly connections: number;
  readonly commits: number;
  /** Mean wall time of one commit + fan-out inside the Durable Object (ms). */
  readonly doMsPerCommit: number;
  /** Median time from the write's send to the touched subscriber (driver's clock, ms). */
  readonly roundTripP50: number;
  /** Frames the untouched subscriptions' connections received during the writes. */
  readonly untouchedFrames: number;
}

export interface MemoryFigures {
  readonly subscriptions: number;
  readonly connections: number;
  readonly before: HeapUsage;
  readonly after: HeapUsage;
  readonly rssBefore: number | undefined;
  readonly rssAfter: number | undefined;
  readonly setupMs: number;
}

/**
 * Cases 3 and 4 on S subscriptions of `counters:get`, each on its own key, 100 per connection,
 * in one namespace: one write path touches exactly one of them (key k0). Case 3 times the
 * commit + fan-out inside the Durable Object; case 4 reads the isolate's heap before and after
 * the subscriptions open.
 */
async function onSubscriptions(
  ctx: BenchContext,
  subscriptions: number,
  measureMemory: boolean,
): Promise<{ scaling: ScalingFigures; memory: MemoryFigures | null }> {
  const room = ctx.room(`subs-${subscriptions}`);
  const keys = Array.from({ length: subscriptions }, (_, i) => `k${i}`);
  const slices: string[][] = [];
  for (let i = 0; i < keys.length; i += PER_CONNECTION) slices.push(keys.slice(i, i + PER_CONNECTION));
  // The writer's connection starts the namespace's object, so "before" holds it already.
  const writer = await orreryPeer().writer(ctx.base, room);
  const watchers: Watcher[] = [];
  try {
    const before = measureMemory ? await heapAfterGc(ctx.inspectorUrl) : null;
    const rssBefore = residentBytes(ctx.workerdPid());
    // The write in flight: resolved when k0's subscriber sees its value.
    let waiting: { value: number; resolve: (arrivedAt: number) => void } | null = null;
    const started = performance.now();
    watchers.push(
      ...(await mapLimit(slices, 10, (slice) =>
        watchKeys(ctx.base, room, slice, (key, value, arrivedAt) => {
          if (key !== "k0" || !waiting || value < waiting.value) return;
          waiting.resolve(arrivedAt);
          waiting = null;
        }),
      )),
    );
    const setupMs = performance.now() - started;
    ctx.log(
      `  ${subscriptions} subscriptions on ${watchers.length} connections live in ${Math.round(setupMs)} ms`,
    );
    const memory: MemoryFigures | null = before
      ? {
          subscriptions,
          connections: watchers.length,
          before,
          after: await heapAfterGc(ctx.inspectorUrl),
          rssBefore,
          rssAfter: residentBytes(ctx.workerdPid()),
          setupMs,
        }
      : null;

    let value = 0;
    const write = async (): Promise<number> => {
      value += 1;
      const expected = value;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const seen = new Promise<number>((resolve, reject) => {
        waiting = { value: expected, resolve };
        timer = setTimeout(
          () => reject(new Error(`write ${expected} of k0 did not reach its subscriber within 20 s`)),
          20_000,
        );
      });
      const sentAt = performance.now();
      writer.write("k0", expected);
      try {
        return (await seen) - sentAt;
      } finally {
        clearTimeout(timer);
      }
    };
    for (let i = 0; i < 5; i++) await write();
    await writer.settle();
    await takeCommitTimes(ctx.base, room);
    for (const watcher of watchers) watcher.socket.resetCounts();
    const latencies: number[] = [];
    const writes = writesFor(ctx.options, 100, 30) * ctx.options.rounds;
    for (let i = 0; i < writes; i++) latencies.push(await write());
    await writer.settle();
    const timed = await takeCommitTimes(ctx.base, room);
    // k0's connection gets one frame per write; any other frame went to an untouched subscription.
    const frames = watchers.map((watcher) => watcher.socket.frames);
    const untouchedFrames = frames.reduce((a, b) => a + b, 0) - writes;
    return {
      scaling: {
        subscriptions,
        connections: watchers.length,
        commits: timed.count,
        doMsPerCommit: timed.count > 0 ? timed.totalMs / timed.count : Number.NaN,
        roundTripP50: median(latencies),
        untouchedFrames,
      },
      memory,
    };
  } finally {
    await Promise.all([writer.close(), ...watchers.map((watcher) => watcher.close())]);
  }
}

export interface SubscriptionResults {
  readonly scaling: ScalingFigures[];
  readonly memory: MemoryFigures | null;
}

/** Runs case 3 (S = 10, 1,000, 10,000) and/or case 4 (the 10,000 step's heap). */
export async function subscriptionCases(
  ctx: BenchContext,
  which: { scaling: boolean; memory: boolean },
): Promise<SubscriptionResults> {
  const steps = which.scaling ? SCALING_S : ([10_000] as const);
  const scaling: ScalingFigures[] = [];
  let memory: MemoryFigures | null = null;
  for (const subscriptions of steps) {
    ctx.log(`case ${which.scaling ? 3 : 4}: ${subscriptions} subscriptions, one touched per commit`);
    const result = await onSubscriptions(ctx, subscriptions, which.memory && subscriptions === 10_000);
    if (which.scaling) scaling.push(result.scaling);
    memory ??= result.memory;
  }
  return { scaling, memory };
}

/** Case 3's growth: the DO's time per commit at S ÷ at the smallest S. */
export const growth = (scaling: readonly ScalingFigures[], of: ScalingFigures): number =>
  ratio(of.doMsPerCommit, scaling[0]?.doMsPerCommit ?? Number.NaN);
