import { type BenchContext, writesFor } from "../context";
import type { Peer } from "../peers/peer";
import { compare, type PeerFigures } from "./compare";

export const SELECTIVITY_N = 500;

/** A fixed pseudo-random order of `keys` per round (the same in every run). */
function shuffled(keys: readonly string[], seed: number): string[] {
  const order = [...keys];
  let state = (seed + 1) * 2654435761;
  for (let i = order.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  return order;
}

/**
 * Case 2: 500 subscribers on 500 different keys (each key written once before they connect),
 * and writes to one key at a time. A selective peer reaches only that key's subscriber; a
 * broadcasting one reaches all 500, and its time is its last subscriber's.
 */
export async function selectivity(ctx: BenchContext, peers: readonly Peer[]): Promise<PeerFigures[]> {
  ctx.log(`case 2, selectivity: ${SELECTIVITY_N} subscribers on ${SELECTIVITY_N} keys`);
  const keys = Array.from({ length: SELECTIVITY_N }, (_, i) => `k${i}`);
  const perRound = writesFor(ctx.options, 30);
  return compare(ctx, {
    label: "selectivity",
    peers,
    keys,
    seed: keys,
    warmup: shuffled(keys, 99).slice(0, 3),
    writes: (round) => shuffled(keys, round).slice(0, perRound),
  });
}
