import { type BenchContext, writesFor } from "../context";
import type { Peer } from "../peers/peer";
import { compare, type PeerFigures } from "./compare";

/** Case 1's subscriber counts, and the writes per round at each (fewer where a write costs more). */
export const SHARED_N = [
  { n: 1, writes: 150 },
  { n: 10, writes: 100 },
  { n: 100, writes: 40 },
  { n: 500, writes: 20 },
] as const;

export interface SharedResult {
  readonly n: number;
  readonly figures: PeerFigures[];
}

/**
 * Case 1: N subscribers of one `counters:get` (one key), one writer, every peer. `--quick`
 * stops at N = 100: joining 500 TinyBase clients alone takes half a minute, and case 2 still
 * opens 500 subscribers of every peer.
 */
export async function sharedQuery(ctx: BenchContext, peers: readonly Peer[]): Promise<SharedResult[]> {
  const results: SharedResult[] = [];
  for (const { n, writes } of SHARED_N.filter((step) => !ctx.options.quick || step.n <= 100)) {
    ctx.log(`case 1, shared query: N = ${n}`);
    const perRound = writesFor(ctx.options, writes);
    const figures = await compare(ctx, {
      label: `shared-${n}`,
      peers,
      keys: Array.from({ length: n }, () => "c"),
      warmup: ["c", "c", "c"],
      writes: () => Array.from({ length: perRound }, () => "c"),
    });
    results.push({ n, figures });
  }
  return results;
}
