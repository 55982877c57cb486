import type { Peer, Subscriber, Writer } from "./peers/peer";

/** What one round of sequential writes measured, for one peer. */
export interface RoundResult {
  readonly writes: number;
  /** Per write and expected receiver: send → arrival (ms). */
  readonly latencies: number[];
  /** Per write: the subscribers of the written key only (ms). */
  readonly affected: number[];
  /** Per write: the last expected receiver (ms). */
  readonly last: number[];
  /** Frames and bytes every subscriber received during the round. */
  readonly frames: number;
  readonly bytes: number;
  /** Frames received by subscribers while a write of another key was in flight (or after). */
  readonly othersFrames: number;
  /** The subscribers that did not watch the written key, summed over the writes. */
  readonly others: number;
  /** The driver's own CPU time (user + system) during the round (µs). */
  readonly cpuMicros: number;
}

export interface FanoutSpec {
  /** The room (namespace, Durable Object name), fresh per session. */
  readonly room: string;
  /** Subscriber j watches keys[j]. */
  readonly keys: readonly string[];
  /** Keys written once before any subscriber connects, for peers that `prefill`. */
  readonly seed?: readonly string[];
}

// Generous: on a machine loaded far past its cores a 500-way write can take seconds, and a lost
// frame still fails the run.
const WRITE_TIMEOUT_MS = 60_000;
const OPEN_CONCURRENCY = 50;

/** Runs `work` on every item, at most `limit` at a time. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

const QUIET_MS = 300;
const SETTLE_TIMEOUT_MS = 180_000;

/**
 * Waits until no subscriber has received a frame for 300 ms: what joining set off has played out
 * (TinyBase's clients sync with every other client, and the room relays all of it), so the
 * first measured write does not queue behind it.
 */
async function quiet(subscribers: readonly Subscriber[], name: string): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let last = -1;
  for (;;) {
    const frames = subscribers.reduce((total, subscriber) => total + subscriber.socket.frames, 0);
    if (frames === last) return;
    if (Date.now() > deadline)
      throw new Error(
        `${name}: the subscribers kept receiving frames for ${SETTLE_TIMEOUT_MS / 1000} s after joining`,
      );
    last = frames;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  }
}

/**
 * One writer and N subscribers of one peer, kept open across rounds. A round sends writes one
 * at a time: write n+1 goes out only after every expected receiver saw write n (the subscribers
 * of its key, and for a broadcasting peer every subscriber). All times are the driver's
 * `performance.now()`: from just before the writer's send to the frame's arrival.
 */
export class FanoutSession {
  private readonly counts = new Map<string, number>();
  /** The write in flight: its key, expected value, start, and who still has to see it. */
  private current: {
    key: string;
    value: number;
    sentAt: number;
    waiting: Set<number>;
    times: Map<number, number>;
    done: () => void;
  } | null = null;
  private othersFrames = 0;

  private constructor(
    readonly peer: Peer,
    private readonly keys: readonly string[],
    private writer: Writer | null,
    private subscribers: Subscriber[],
  ) {}

  static async open(peer: Peer, base: string, spec: FanoutSpec): Promise<FanoutSession> {
    const session = new FanoutSession(peer, spec.keys, null, []);
    try {
      session.writer = await peer.writer(base, spec.room);
      for (const key of peer.prefill ? (spec.seed ?? []) : []) session.sendWrite(key);
      await session.writer.settle();
      session.subscribers = await mapLimit(spec.keys, OPEN_CONCURRENCY, (key, index) =>
        peer.subscriber(base, spec.room, key, session.counts.get(key) ?? 0, (value, arrivedAt) =>
          session.seen(index, value, arrivedAt),
        ),
      );
      await quiet(session.subscribers, peer.name);
      session.subscribers.forEach((subscriber, index) => {
        subscriber.socket.onFrame = (arrivedAt) => session.frame(index, arrivedAt);
        // A discounted frame (a pong) arrived outside any write, so it was counted as the others'.
        subscriber.socket.onDiscount = () => {
          session.othersFrames -= 1;
        };
      });
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** Sends the writes of `keys` in order, each after the previous one was seen; see RoundResult. */
  async run(keys: readonly string[]): Promise<RoundResult> {
    for (const subscriber of this.subscribers) subscriber.socket.resetCounts();
    this.othersFrames = 0;
    const latencies: number[] = [];
    const affected: number[] = [];
    const last: number[] = [];
    let others = 0;
    const cpu = process.cpuUsage();
    for (const key of keys) {
      const times = await this.writeAndWait(key);
      let latest = 0;
      for (const [index, at] of times) {
        latencies.push(at);
        latest = Math.max(latest, at);
        if (this.keys[index] === key) affected.push(at);
      }
      last.push(latest);
      others += this.keys.filter((watched) => watched !== key).length;
    }
    const used = process.cpuUsage(cpu);
    // Whatever the server still sends after the last write belongs to no write: to others.
    await Promise.all(this.subscribers.map((subscriber) => subscriber.barrier?.()));
    let frames = 0;
    let bytes = 0;
    for (const subscriber of this.subscribers) {
      frames += subscriber.socket.frames;
      bytes += subscriber.socket.bytes;
    }
    return {
      writes: keys.length,
      latencies,
      affected,
      last,
      frames,
      bytes,
      othersFrames: this.othersFrames,
      others,
      cpuMicros: used.user + used.system,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.writer?.close(), ...this.subscribers.map((subscriber) => subscriber.close())]);
    this.writer = null;
    this.subscribers = [];
  }

  private sendWrite(key: string): number {
    const value = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, value);
    this.writer?.write(key, value);
    return value;
  }

  private writeAndWait(key: string): Promise<Map<number, number>> {
    const waiting = new Set<number>();
    this.keys.forEach((watched, index) => {
      if (watched === key || this.peer.broadcasts) waiting.add(index);
    });
    return new Promise((resolve, reject) => {
      const times = new Map<number, number>();
      const timer = setTimeout(() => {
        this.current = null;
        reject(
          new Error(
            `${this.peer.name}: a write of "${key}" reached ${times.size} of ${times.size + waiting.size} subscribers within ${WRITE_TIMEOUT_MS / 1000} s`,
          ),
        );
      }, WRITE_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        this.current = null;
        resolve(times);
      };
      const sentAt = performance.now();
      this.current = { key, value: (this.counts.get(key) ?? 0) + 1, sentAt, waiting, times, done };
      this.sendWrite(key);
      if (waiting.size === 0) done();
    });
  }

  /** A subscriber's own key got `value`. */
  private seen(index: number, value: number, arrivedAt: number): void {
    const write = this.current;
    if (!write || write.key !== this.keys[index] || value < write.value) return;
    this.arrived(write, index, arrivedAt);
  }

  /** Any frame: for a broadcast, the frame of another key's write is that subscriber's copy. */
  private frame(index: number, arrivedAt: number): void {
    const write = this.current;
    if (!write || write.key !== this.keys[index]) this.othersFrames += 1;
    if (write && this.peer.broadcasts && write.key !== this.keys[index])
      this.arrived(write, index, arrivedAt);
  }

  private arrived(write: NonNullable<FanoutSession["current"]>, index: number, arrivedAt: number): void {
    if (!write.waiting.delete(index)) return;
    write.times.set(index, arrivedAt - write.sentAt);
    if (write.waiting.size === 0) write.done();
  }
}
