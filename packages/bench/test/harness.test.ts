import { heapAfterGc } from "@orrery/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FanoutSession, type RoundResult } from "../src/fanout";
import { orreryPeer } from "../src/peers/orrery";
import type { Peer } from "../src/peers/peer";
import { wsUrl } from "../src/peers/peer";
import { floorPeer, rawCommitPeer } from "../src/peers/relay";
import { requestClient, runRequests } from "../src/requests";
import { type StagedWorker, stageWorker } from "../src/stage-worker";
import { startWranglerDev, type WranglerDev } from "../src/wrangler-dev";

const SUBSCRIBERS = 2;
const WRITES = 5;

describe("the bench harness, on a tiny case", () => {
  let staged: StagedWorker;
  let dev: WranglerDev;

  beforeAll(async () => {
    staged = stageWorker(null);
    dev = await startWranglerDev(staged.config);
  });
  afterAll(async () => {
    await dev?.stop();
    staged?.remove();
  });

  /** Two subscribers of one key, a warm-up write, then WRITES measured writes. */
  async function measure(peer: Peer, room: string): Promise<RoundResult> {
    const session = await FanoutSession.open(peer, dev.url, { room, keys: Array(SUBSCRIBERS).fill("c") });
    try {
      await session.run(["c"]);
      return await session.run(Array(WRITES).fill("c"));
    } finally {
      await session.close();
    }
  }

  it.each([floorPeer, rawCommitPeer, orreryPeer()])(
    "$name: every subscriber sees every write, timed and counted",
    async (peer) => {
      const round = await measure(peer, `smoke-${peer.name.toLowerCase()}`);
      // One time per write and subscriber, each a real duration on the driver's clock.
      expect(round.latencies).toHaveLength(WRITES * SUBSCRIBERS);
      for (const latency of round.latencies) {
        expect(latency).toBeGreaterThan(0);
        expect(latency).toBeLessThan(5_000);
      }
      expect(round.last).toHaveLength(WRITES);
      // Exactly one frame per write and subscriber, carrying the value (Orrery's a transition).
      expect(round.frames).toBe(WRITES * SUBSCRIBERS);
      expect(round.bytes).toBeGreaterThan(round.frames * (peer.name === "Orrery" ? 60 : 10));
      expect(round.othersFrames).toBe(0);
      expect(round.cpuMicros).toBeGreaterThan(0);
    },
  );

  it("reads Orrery's commit times from inside the Durable Object, one per mutation", async () => {
    const room = "smoke-commit-times";
    await measure(orreryPeer(), room);
    const response = await fetch(`${dev.url}/bench/commit-times/orrery/${room}`);
    expect(response.ok).toBe(true);
    const times = (await response.json()) as { count: number; totalMs: number; samplesMs: number[] };
    expect(times.count).toBe(1 + WRITES);
    expect(times.samplesMs).toHaveLength(1 + WRITES);
    expect(times.totalMs).toBeGreaterThanOrEqual(0);
    // Taken: the next read starts afresh.
    expect(
      ((await (await fetch(`${dev.url}/bench/commit-times/orrery/${room}`)).json()) as { count: number })
        .count,
    ).toBe(0);
  });

  it("answers case 5's inserts on the raw DO running Orrery's statements, pipelined", async () => {
    const client = await requestClient(
      wsUrl(dev.url, "/raw-commit/smoke-inserts"),
      (index) => JSON.stringify({ requestId: `r${index}`, key: `k${index}`, n: index }),
      (frame) => "ok" in frame,
      (frame) => (frame.ok === true ? null : String(frame.error)),
    );
    try {
      const run = await runRequests(client, 12, 4);
      expect(run.latencies).toHaveLength(12);
      expect(client.failure()).toBeNull();
    } finally {
      await client.close();
    }
  });

  it("reads the isolate's heap through the inspector", async () => {
    const heap = await heapAfterGc(dev.inspectorUrl);
    expect(heap.usedBytes).toBeGreaterThan(1 * 2 ** 20);
    expect(heap.totalBytes).toBeGreaterThanOrEqual(heap.usedBytes);
  });
});
