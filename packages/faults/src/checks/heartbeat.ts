import { HEARTBEAT_REQUEST, HEARTBEAT_RESPONSE } from "@orrery/protocol";
import type { DevServer } from "../dev-server";
import { GoodClient } from "../good-client";
import { mutate } from "../http";
import { ProtocolSocket } from "../protocol-socket";
import type { Report } from "../report";
import { startTcpProxy } from "../tcp-proxy";
import { sleep, waitFor } from "../timing";

/** The proxy cuts connections idle this long; the heartbeat interval is well under it. */
const PROXY_IDLE_MS = 1_500;
const HEARTBEAT = { intervalMs: 500, timeoutMs: 1_000 };
const IDLE_SECONDS = 8;
/** A frozen socket must be replaced within an interval and a timeout, plus reconnecting. */
const DETECT_LIMIT_SECONDS = 5;
/** How long the client without heartbeats is watched on its frozen socket. */
const CONTROL_SECONDS = 10;

/** Heartbeats the runtime answers on a plain socket: how many of `count`, and the slowest round trip. */
async function autoResponses(
  url: string,
  namespace: string,
  count: number,
): Promise<{ answered: number; slowestMs: number }> {
  const socket = await ProtocolSocket.open(url, namespace);
  let answered = 0;
  let slowestMs = 0;
  for (let i = 0; i < count; i++) {
    const sent = performance.now();
    socket.sendRaw(HEARTBEAT_REQUEST);
    try {
      const frame = await socket.next((f) => f.type === "heartbeatAck", 5_000);
      if (JSON.stringify(frame) === HEARTBEAT_RESPONSE) answered++;
      slowestMs = Math.max(slowestMs, performance.now() - sent);
    } catch {
      // Unanswered: counted by its absence.
    }
  }
  await socket.close();
  return { answered, slowestMs };
}

/**
 * Heartbeats on the real runtime: the auto-response pair answers; idle clients behind a proxy
 * that cuts quiet connections keep their socket with heartbeats and lose it without; and a
 * socket that stops carrying bytes (frozen, not closed) is detected and replaced by the client.
 */
export async function heartbeatCheck(report: Report, server: DevServer): Promise<void> {
  const check = "heartbeat";
  const namespace = `heartbeat-${Date.now()}`;
  const auto = await autoResponses(server.url, namespace, 20);
  report.expect(
    check,
    "heartbeats answered by the runtime's auto-response",
    `${auto.answered}/20 (slowest ${Math.round(auto.slowestMs)} ms)`,
    "20/20",
    auto.answered === 20,
  );

  const port = Number(new URL(server.url).port);
  const idleProxy = await startTcpProxy(port, { idleMs: PROXY_IDLE_MS });
  const via = `http://127.0.0.1:${idleProxy.port}`;
  const beating = new GoodClient(via, namespace, "beating", { heartbeat: HEARTBEAT });
  const silent = new GoodClient(via, namespace, "silent", { heartbeat: false });
  try {
    await Promise.all([beating.ready(), silent.ready()]);
    await sleep(IDLE_SECONDS * 1000);
    report.expect(
      check,
      `idle ${IDLE_SECONDS} s behind a proxy that cuts quiet connections after ${PROXY_IDLE_MS / 1000} s: reconnects with / without heartbeats`,
      `${beating.reconnects} / ${silent.reconnects}`,
      "0 / at least 3",
      beating.reconnects === 0 && silent.reconnects >= 3,
    );
  } finally {
    beating.close();
    silent.close();
    await idleProxy.close();
  }

  const freezingProxy = await startTcpProxy(port);
  const viaFrozen = `http://127.0.0.1:${freezingProxy.port}`;
  const watched = new GoodClient(viaFrozen, namespace, "frozen", { heartbeat: HEARTBEAT });
  const unwatched = new GoodClient(viaFrozen, namespace, "frozen-silent", { heartbeat: false });
  try {
    await Promise.all([watched.ready(), unwatched.ready()]);
    const frozenAt = performance.now();
    freezingProxy.freeze();
    const detected = await waitFor(
      () => watched.reconnects > 0 && watched.client.connectionState().state === "open",
      15_000,
    );
    const seconds = (performance.now() - frozenAt) / 1000;
    // A write after it reaches the client on its new socket: its live query resumed.
    await mutate(server.url, namespace, "counters:increment", { name: "frozen" });
    await mutate(server.url, namespace, "counters:increment", { name: "frozen-silent" });
    const resumed = await waitFor(() => watched.counter() === 1n, 10_000);
    // The control: without heartbeats, the same fault goes unnoticed for as long as it lasts.
    await sleep(Math.max(0, CONTROL_SECONDS * 1000 - (performance.now() - frozenAt)));
    const unnoticed = unwatched.reconnects === 0 && unwatched.counter() === 0n;
    report.expect(
      check,
      "a frozen socket (no bytes, no close) replaced after, seconds",
      detected ? seconds.toFixed(1) : "never",
      `≤ ${DETECT_LIMIT_SECONDS}`,
      detected && seconds <= DETECT_LIMIT_SECONDS,
    );
    report.expect(check, "its live query resumed on the new socket", resumed ? "yes" : "no", "yes", resumed);
    report.expect(
      check,
      `a client without heartbeats on a frozen socket, ${CONTROL_SECONDS} s on`,
      unnoticed
        ? `still "open", its live query missing the write`
        : `reconnected ${unwatched.reconnects}×, counter ${unwatched.counter()}`,
      "unnoticed (the control)",
      unnoticed,
    );
  } finally {
    watched.close();
    unwatched.close();
    await freezingProxy.close();
  }
}
