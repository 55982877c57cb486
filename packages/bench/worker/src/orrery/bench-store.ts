import type { Orrery } from "@orrery/cloudflare";

type GlobalStoreClass = Orrery["GlobalStore"];
type OnMessage = InstanceType<GlobalStoreClass>["onMessage"];

/** What the timing hook reports: each mutate frame's commit + fan-out, in milliseconds. */
export interface CommitTimes {
  readonly count: number;
  readonly totalMs: number;
  readonly samplesMs: readonly number[];
}

/**
 * The user-level GlobalStore subclass with the bench's one hook, so Orrery's own packages carry
 * none: each `mutate` frame is timed from its arrival to the end of `onMessage`, which returns
 * only after the store committed and the sync server re-ran the touched subscriptions and sent
 * their transitions (`sync.committed` runs inside the mutation's lane). Under `wrangler dev`
 * workerd's clock runs during execution but in whole milliseconds, so one commit reads 0 or 1
 * ms; the mean over many commits (each starting at a random phase of the clock) is what the
 * driver reports.
 */
export function timedGlobalStore(base: GlobalStoreClass) {
  return class TimedGlobalStore extends base {
    private commitSamples: number[] = [];

    override async onMessage(...[connection, message]: Parameters<OnMessage>): Promise<void> {
      if (typeof message !== "string" || !message.startsWith('{"type":"mutate"'))
        return super.onMessage(connection, message);
      const start = performance.now();
      await super.onMessage(connection, message);
      this.commitSamples.push(performance.now() - start);
    }

    /** Returns the commit times since the last call and starts afresh (bench RPC). */
    takeCommitTimes(): CommitTimes {
      const samplesMs = this.commitSamples;
      this.commitSamples = [];
      return { count: samplesMs.length, totalMs: samplesMs.reduce((a, b) => a + b, 0), samplesMs };
    }
  };
}
