import { randomFillSync } from "node:crypto";
import { decodeTime, incrementBase32, TIME_MAX, ulid } from "ulid";

const TIME_LENGTH = 10;

// ulid's own PRNG draws crypto bytes one call per character: most of a large load's CPU.
// The same bytes, drawn 4 KiB at a time (a byte / 256 picks one of 32 characters evenly).
const pool = new Uint8Array(4096);
let next = pool.length;
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

/**
 * Mints ULIDs that sort in the order they are asked for: each one is greater than every id
 * seen before (minted, or an existing one passed to `observe`), with the given time part when
 * that is later than the last id's, else the last id's time and its random part plus one (as
 * `ulid`'s monotonic factory does, but seeded by ids from an earlier run).
 */
export class UlidSequence {
  private last: string | undefined;

  /** An id the source order puts here (from an earlier run): later ids must sort after it. */
  observe(id: string): void {
    if (this.last === undefined || id > this.last) this.last = id;
  }

  /** The next id, for `time` (ms since the epoch, 0..2^48-1). */
  next(time: number): string {
    if (!Number.isInteger(time) || time < 0 || time > TIME_MAX)
      throw new RangeError(`${time} is not a ULID time (an integer of ms from 1970 to 10889)`);
    const last = this.last;
    const id =
      last === undefined || time > decodeTime(last)
        ? ulid(time, pooledRandom)
        : last.slice(0, TIME_LENGTH) + incrementBase32(last.slice(TIME_LENGTH));
    this.last = id;
    return id;
  }
}
