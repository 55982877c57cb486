import type { BenchContext } from "../context";
import { FanoutSession, type FanoutSpec, type RoundResult } from "../fanout";
import type { Peer } from "../peers/peer";
import { median, quantile, ratio, sum } from "../stats";

/** One peer's figures over every round of a fan-out comparison. */
export interface PeerFigures {
  readonly peer: string;
  readonly subscribers: number;
  readonly writes: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Median over writes of the last expected receiver's time. */
  readonly lastP50: number;
  /** Median over writes of the time to the subscribers of the written key. */
  readonly affectedP50: number;
  readonly framesPerWrite: number;
  readonly bytesPerWrite: number;
  /** Frames per write per subscriber that did not watch the written key. */
  readonly othersFramesPerWrite: number;
  readonly othersFrames: number;
  readonly cpuMicrosPerWrite: number;
  /** Why an optional peer has no figures (they are then NaN). */
  readonly failure?: string;
}

const failed = (peer: string, subscribers: number, failure: string): PeerFigures => ({
  peer,
  subscribers,
  writes: 0,
  p50: Number.NaN,
  p95: Number.NaN,
  p99: Number.NaN,
  lastP50: Number.NaN,
  affectedP50: Number.NaN,
  framesPerWrite: Number.NaN,
  bytesPerWrite: Number.NaN,
  othersFramesPerWrite: Number.NaN,
  othersFrames: Number.NaN,
  cpuMicrosPerWrite: Number.NaN,
  failure,
});

function figuresOf(peer: string, subscribers: number, rounds: readonly RoundResult[]): PeerFigures {
  const writes = sum(rounds.map((round) => round.writes));
  const latencies = rounds.flatMap((round) => round.latencies);
  const others = sum(rounds.map((round) => round.others));
  const othersFrames = sum(rounds.map((round) => round.othersFrames));
  return {
    peer,
    subscribers,
    writes,
    p50: median(latencies),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    lastP50: median(rounds.flatMap((round) => round.last)),
    affectedP50: median(rounds.flatMap((round) => round.affected)),
    framesPerWrite: sum(rounds.map((round) => round.frames)) / (writes * subscribers),
    bytesPerWrite: sum(rounds.map((round) => round.bytes)) / (writes * subscribers),
    othersFramesPerWrite: others > 0 ? othersFrames / others : 0,
    othersFrames,
    cpuMicrosPerWrite: sum(rounds.map((round) => round.cpuMicros)) / writes,
  };
}

export interface Comparison {
  /** For the progress lines and room names. */
  readonly label: string;
  readonly peers: readonly Peer[];
  /** Subscriber j of every peer watches keys[j]. */
  readonly keys: readonly string[];
  readonly seed?: readonly string[];
  /** The keys written in round r (one write each, in order). */
  readonly writes: (round: number) => readonly string[];
  readonly warmup: readonly string[];
}

/**
 * Opens every peer's writer and subscribers (one fresh room each), warms each up, then runs the
 * rounds with the peers in alternating order (forward, then backward, …) so that drift in the
 * machine's load falls on all of them alike. Returns each peer's figures over all rounds; an
 * optional peer that failed gets a row saying why instead.
 */
export async function compare(ctx: BenchContext, comparison: Comparison): Promise<PeerFigures[]> {
  const sessions = new Map<Peer, FanoutSession>();
  const failures = new Map<Peer, string>();
  const results = new Map<Peer, RoundResult[]>();
  /** An optional peer's failure is kept for its row; any other peer's ends the run. */
  const fail = async (peer: Peer, error: unknown) => {
    if (!peer.optional) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    ctx.log(`  ${comparison.label}: ${peer.name} failed, reported as such: ${reason}`);
    failures.set(peer, reason);
    await sessions.get(peer)?.close();
    sessions.delete(peer);
  };
  try {
    for (const peer of comparison.peers) {
      const started = performance.now();
      const spec: FanoutSpec = {
        room: ctx.room(`${comparison.label}-${peer.name}`),
        keys: comparison.keys,
        ...(comparison.seed ? { seed: comparison.seed } : {}),
      };
      try {
        const session = await FanoutSession.open(peer, ctx.base, spec);
        sessions.set(peer, session);
        results.set(peer, []);
        await session.run(comparison.warmup);
      } catch (error) {
        await fail(peer, error);
        continue;
      }
      ctx.log(
        `  ${comparison.label}: ${peer.name}'s ${comparison.keys.length} subscriber(s) live in ${Math.round(performance.now() - started)} ms`,
      );
    }
    for (let round = 0; round < ctx.options.rounds; round++) {
      const order = round % 2 === 0 ? comparison.peers : [...comparison.peers].reverse();
      for (const peer of order) {
        const session = sessions.get(peer);
        if (!session) continue;
        try {
          results.get(peer)?.push(await session.run(comparison.writes(round)));
        } catch (error) {
          await fail(peer, error);
        }
      }
      ctx.log(`  ${comparison.label}: round ${round + 1}/${ctx.options.rounds} done`);
    }
    return comparison.peers.map((peer) => {
      const failure = failures.get(peer);
      return failure
        ? failed(peer.name, comparison.keys.length, failure)
        : figuresOf(peer.name, comparison.keys.length, results.get(peer) ?? []);
    });
  } finally {
    await Promise.all([...sessions.values()].map((session) => session.close()));
  }
}

/** `figures` of `peer` divided by the floor's (same N), for the ratio columns. */
export function versus(figures: readonly PeerFigures[], of: PeerFigures, floorName = "floor") {
  const floor = figures.find((entry) => entry.peer === floorName);
  return {
    p50: ratio(of.p50, floor?.p50 ?? Number.NaN),
    lastP50: ratio(of.lastP50, floor?.lastP50 ?? Number.NaN),
  };
}
