import { BAD_FRAME_KINDS, type BadFrame, badFrame, random } from "../bad-frames";
import type { DevServer } from "../dev-server";
import { GoodClient } from "../good-client";
import { type Frame, ProtocolSocket } from "../protocol-socket";
import type { Report } from "../report";
import { waitFor } from "../timing";

const BAD_SOCKETS = 20;
const FRAMES_PER_SOCKET = 500;
const GOOD_CLIENTS = 5;
/** Frames sent before waiting for their answers: a burst, not an unbounded flood. */
const CHUNK = 25;

/** What one bad socket sent and heard. */
interface BadTally {
  sent: number;
  /** "answer:code" → how many were expected, and how many came. */
  expected: Map<string, number>;
  heard: Map<string, number>;
  /** Frames the server answered with a success: a bad frame must never succeed. */
  successes: number;
  /** Closes the server made (the socket is opened again and goes on). */
  closes: string[];
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const keyOf = (answer: string, code: string) => `${answer}:${code}`;

/** An answer to a bad frame: an error frame, or a failed (or, wrongly, successful) mutationResult. */
function hear(tally: BadTally, frame: Frame): void {
  if (frame.type === "error") bump(tally.heard, keyOf("error", String(frame.code)));
  else if (frame.type === "mutationResult") {
    if (frame.ok === true) tally.successes++;
    else bump(tally.heard, keyOf("mutationResult", String((frame.error as { code?: string })?.code)));
  } else if (frame.type === "transition" && (frame.updates as unknown[]).length > 0) tally.successes++;
}

const heardCount = (tally: BadTally) =>
  [...tally.heard.values()].reduce((a, b) => a + b, 0) + tally.successes;

/** Opens a bad socket and subscribes `held` (so that re-subscribing it is a DUPLICATE_ID). */
async function openBad(url: string, namespace: string, tally: BadTally): Promise<ProtocolSocket> {
  const socket = await ProtocolSocket.open(url, namespace);
  socket.send({ type: "subscribe", id: "held", query: "counters:get", args: { name: "held" } });
  await socket.next((frame) => frame.type === "transition");
  socket.keep = false;
  socket.onFrame = (frame) => hear(tally, frame);
  return socket;
}

/** One socket's stream of bad frames, in bursts, each burst's answers awaited. */
async function runBadSocket(url: string, namespace: string, seed: number, tally: BadTally): Promise<void> {
  const rand = random(seed);
  let socket = await openBad(url, namespace, tally);
  for (let n = 0; n < FRAMES_PER_SOCKET; n += CHUNK) {
    const chunk: BadFrame[] = Array.from({ length: Math.min(CHUNK, FRAMES_PER_SOCKET - n) }, (_, i) =>
      badFrame(rand, n + i),
    );
    for (const frame of chunk) {
      bump(tally.expected, keyOf(frame.answer, frame.code));
      tally.sent++;
      socket.sendRaw(frame.data, frame.text);
    }
    await waitFor(() => heardCount(tally) >= tally.sent || socket.closed !== null, 60_000);
    if (socket.closed) {
      tally.closes.push(`${socket.closed.code} ${socket.closed.reason}`.trim());
      socket = await openBad(url, namespace, tally);
    }
  }
  await socket.close();
}

/**
 * 10,000 generated bad frames (bad-frames.ts) over 20 sockets, while 5 well-behaved clients
 * keep adding orders and incrementing counters: every bad frame is answered with the error the
 * protocol names for it, the server closes no socket, and the good clients see all of their
 * own writes (their results equal fresh queries).
 */
export async function badInputCheck(report: Report, server: DevServer): Promise<void> {
  const check = "bad input";
  const namespace = `bad-${Date.now()}`;
  const good = Array.from(
    { length: GOOD_CLIENTS },
    (_, i) => new GoodClient(server.url, namespace, `good-${i}`),
  );
  for (const client of good) if (!(await client.ready())) throw new Error(`${client.name}: no first results`);
  for (const client of good) client.start();
  const errorsBefore = (server.output().match(/Uncaught|✘ \[ERROR\]/g) ?? []).length;

  const tallies: BadTally[] = Array.from({ length: BAD_SOCKETS }, () => ({
    sent: 0,
    expected: new Map(),
    heard: new Map(),
    successes: 0,
    closes: [],
  }));
  const started = performance.now();
  await Promise.all(tallies.map((tally, i) => runBadSocket(server.url, namespace, 1000 + i, tally)));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(good.map((client) => client.stop()));
  const uncaught = (server.output().match(/Uncaught|✘ \[ERROR\]/g) ?? []).length - errorsBefore;

  const sent = tallies.reduce((sum, t) => sum + t.sent, 0);
  const expected = new Map<string, number>();
  const heard = new Map<string, number>();
  for (const t of tallies) {
    for (const [key, n] of t.expected) expected.set(key, (expected.get(key) ?? 0) + n);
    for (const [key, n] of t.heard) heard.set(key, (heard.get(key) ?? 0) + n);
  }
  const matched = [...expected].reduce((sum, [key, n]) => sum + Math.min(n, heard.get(key) ?? 0), 0);
  const mismatches = [...new Set([...expected.keys(), ...heard.keys()])]
    .filter((key) => (expected.get(key) ?? 0) !== (heard.get(key) ?? 0))
    .map((key) => `${key} expected ${expected.get(key) ?? 0}, heard ${heard.get(key) ?? 0}`);
  const closes = tallies.flatMap((t) => t.closes);
  const successes = tallies.reduce((sum, t) => sum + t.successes, 0);
  const verdicts = await Promise.all(good.map((client) => client.verdict(server.url)));
  for (const client of good) client.close();

  report.figure(
    check,
    `bad frames sent (${BAD_SOCKETS} sockets, ${BAD_FRAME_KINDS} kinds)`,
    `${sent} in ${seconds.toFixed(1)} s`,
  );
  report.expect(
    check,
    "answered with the structured error the protocol names",
    `${matched}/${sent}${mismatches.length ? ` (${mismatches.slice(0, 4).join("; ")})` : ""}`,
    "all",
    matched === sent && mismatches.length === 0,
  );
  report.expect(check, "bad frames that succeeded", successes, "0", successes === 0);
  report.expect(
    check,
    "sockets the server closed",
    `${closes.length}${closes.length ? ` (${closes.slice(0, 3).join(", ")})` : ""}`,
    "0",
    closes.length === 0,
  );
  report.expect(check, "uncaught errors in the dev server's log", uncaught, "0", uncaught === 0);
  report.figure(
    check,
    "good clients' writes acknowledged (orders + increments)",
    good.reduce((sum, c) => sum + c.orderIds.length + c.increments, 0),
  );
  const reconnects = good.reduce((sum, c) => sum + c.reconnects, 0);
  const failures = good.reduce((sum, c) => sum + c.failures, 0);
  report.expect(
    check,
    "good clients' reconnects / failed writes",
    `${reconnects} / ${failures}`,
    "0 / 0",
    reconnects === 0 && failures === 0,
  );
  report.expect(
    check,
    "good clients whose results equal fresh queries, with every acknowledged write",
    `${verdicts.filter((v) => v.current && v.allVisible && v.counted).length}/${good.length}`,
    "all",
    verdicts.every((v) => v.current && v.allVisible && v.counted),
  );
  report.expect(check, "dev server crashes", server.crashes, "0", server.crashes === 0);
}
