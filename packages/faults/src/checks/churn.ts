import { heapAfterGc } from "@orrery/test-harness";
import type { DevServer } from "../dev-server";
import { mutate } from "../http";
import { ProtocolSocket } from "../protocol-socket";
import type { Report } from "../report";
import { sleep } from "../timing";

const ROUNDS = 5;
const PER_ROUND = 200;
/** Distinct live queries the churning sockets hold (so groups are shared, made and dropped). */
const QUERIES = 20;
/**
 * What the heap may keep after 1,000 sockets came and went: 256 KiB, a quarter KiB a socket,
 * against some 2 KiB a socket costs while open (its state, subscription, query group): a
 * leak of per-connection state shows at once. Readings after a full GC repeat within a few
 * KiB; the first thousand sockets also grow the heap once (optimized code, caches) and later
 * thousands do not, so a warm-up loop of the same size comes before the baseline.
 */
const ALLOWED_GROWTH_BYTES = 256 * 1024;

/** One round: `PER_ROUND` sockets open at once, each subscribes and waits for its first result. */
async function openRound(url: string, namespace: string, round: number): Promise<ProtocolSocket[]> {
  return Promise.all(
    Array.from({ length: PER_ROUND }, async (_, i) => {
      const socket = await ProtocolSocket.open(url, namespace);
      const name = `churn-${(round * PER_ROUND + i) % QUERIES}`;
      socket.send({ type: "subscribe", id: "c", query: "counters:get", args: { name } });
      await socket.next((frame) => frame.type === "transition");
      return socket;
    }),
  );
}

/** `ROUNDS` rounds of sockets, each round's commit reaching them; `whileOpen` runs before they close. */
async function churn(server: DevServer, namespace: string, whileOpen: (round: number) => Promise<void>) {
  for (let round = 0; round < ROUNDS; round++) {
    const sockets = await openRound(server.url, namespace, round);
    await mutate(server.url, namespace, "counters:increment", { name: `churn-${round % QUERIES}` });
    await whileOpen(round);
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/**
 * 1,000 sockets connect, subscribe and disconnect in rounds of 200 (after 1,000 more to warm
 * up), while one anchor socket keeps the namespace's Durable Object awake (a ping a second,
 * answered in its lane, so it is not evicted and cannot return to its baseline by being thrown
 * away). The isolate's heap after a full GC must come back to what it was before, and must
 * have grown while sockets were open (else the measurement could not see a leak).
 */
export async function churnCheck(report: Report, server: DevServer): Promise<void> {
  const check = "client churn";
  const namespace = `churn-${Date.now()}`;
  const anchor = await ProtocolSocket.open(server.url, namespace);
  anchor.keep = false;
  let anchoring = true;
  const pinging = (async () => {
    while (anchoring) {
      anchor.send({ type: "ping" });
      await sleep(1_000);
    }
  })();
  try {
    // Warm-up: the same loop, so code is compiled and optimized and caches filled.
    await churn(server, namespace, () => Promise.resolve());
    const baseline = (await heapAfterGc(server.inspectorUrl, 120_000)).usedBytes;
    let peak = 0;
    const started = performance.now();
    await churn(server, namespace, async (round) => {
      if (round === ROUNDS - 1) peak = (await heapAfterGc(server.inspectorUrl, 120_000)).usedBytes;
    });
    const seconds = (performance.now() - started) / 1000;
    await sleep(1_000);
    const after = (await heapAfterGc(server.inspectorUrl, 120_000)).usedBytes;

    report.figure(
      check,
      "sockets connected, subscribed and closed (after as many to warm up)",
      `${ROUNDS * PER_ROUND} in ${seconds.toFixed(1)} s`,
    );
    report.expect(
      check,
      `heap with ${PER_ROUND} sockets open − before (the measure sees connections)`,
      `${mib(peak - baseline)} (${((peak - baseline) / PER_ROUND / 1024).toFixed(1)} KiB a socket)`,
      "> 0",
      peak > baseline,
    );
    report.expect(
      check,
      "Durable Object isolate heap before → after (after a full GC)",
      `${mib(baseline)} → ${mib(after)} (${after >= baseline ? "+" : ""}${((after - baseline) / 1024).toFixed(0)} KiB)`,
      `growth < ${ALLOWED_GROWTH_BYTES / 1024} KiB`,
      after - baseline < ALLOWED_GROWTH_BYTES,
    );
    report.expect(check, "dev server crashes", server.crashes, "0", server.crashes === 0);
  } finally {
    anchoring = false;
    await pinging;
    await anchor.close();
  }
}
