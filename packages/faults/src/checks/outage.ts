import { randomUUID } from "node:crypto";
import { type ExternalDatabase, LABEL } from "../databases";
import type { DevServer } from "../dev-server";
import { call, mutate, query } from "../http";
import type { Report } from "../report";
import { sleep } from "../timing";
import { Watcher } from "../watcher";
import { wireNumber } from "../wire";
import { type Attempt, startWriters } from "../writers";

const WRITERS = 10;
const DOWN_SECONDS = 10;
/** How soon after the database accepts connections again the service must have resumed. */
const RECOVERY_LIMIT_SECONDS = 5;

/** The answers that are not UNAVAILABLE naming `label`, by code, and one of their messages. */
function others(attempts: readonly Attempt[], label: string): string {
  const wrong = attempts.filter((a) => a.code !== "UNAVAILABLE" || !a.message.includes(label));
  if (wrong.length === 0) return "";
  const codes = new Map<string, number>();
  for (const a of wrong) codes.set(a.code ?? "ok", (codes.get(a.code ?? "ok") ?? 0) + 1);
  return ` (${[...codes].map(([c, n]) => `${c} ${n}`).join(", ")}; e.g. ${wrong[0]!.message.slice(0, 240)})`;
}

/** An HTTP call's answer as an {@link Attempt}. */
async function httpAttempt(request: () => ReturnType<typeof call>, requestId: string): Promise<Attempt> {
  const sentAt = performance.now();
  const answer = await request();
  const error = answer.body.error;
  return {
    requestId,
    sentAt,
    answeredAt: performance.now(),
    ok: answer.status === 200,
    code: error?.code ?? null,
    message: error?.message ?? "",
  };
}

/**
 * The database of `.global()` tables stops mid-load (a clean shutdown, as an operator's), stays
 * down 10 s and starts again, under 10 writers that resend an UNAVAILABLE or OUTCOME_UNKNOWN
 * answer with the same request id, an outside writer, a live query, HTTP queries, and HTTP
 * inserts into a second namespace that was idle when the database stopped (its driver client
 * was still built, and an insert reads nothing first: its commit is the first statement that
 * meets the stopped database). Each insert is resent with its key afterwards until it lands.
 */
export async function outageCheck(report: Report, server: DevServer, db: ExternalDatabase): Promise<void> {
  const check = `outage (${db.engine})`;
  const label = LABEL[db.engine];
  const namespace = `outage-${db.engine}-${Date.now()}`;
  const idle = `${namespace}-idle`;
  const customer = "outage";
  const probe = { customer: "outage-probe", total: 0, status: "open" };
  const clientId = randomUUID();
  const id = String(
    await mutate(server.url, namespace, "orders:upsert", { customer, total: 0, status: "open" }),
  );
  await mutate(server.url, idle, "orders:upsert", probe);
  const watcher = await Watcher.open(server.url, namespace, "orders:byCustomer", { customer });
  const writers = await startWriters(server.url, namespace, id, WRITERS);

  let outside = 0;
  let running = true;
  const outsideLoop = (async () => {
    while (running) {
      await sleep(1_000);
      try {
        outside += await db.addToOrder(namespace, id, 1000);
      } catch {
        // Down: the outside writer's own call failed and wrote nothing.
      }
    }
  })();

  await sleep(3_000);
  const stopping = performance.now();
  await db.server.shutdown();
  const stopped = performance.now();
  const http: Attempt[] = [];
  const probeKeys: string[] = [];
  // A client that opens the page while the database is down: its first result is an error.
  let late: Watcher | undefined;
  while (performance.now() - stopped < DOWN_SECONDS * 1000) {
    const key = randomUUID();
    probeKeys.push(key);
    const headers = { "Idempotency-Key": key, "Orrery-Client-Id": clientId };
    http.push(
      ...(await Promise.all([
        httpAttempt(() => call(server.url, idle, "mutations", "orders:upsert", probe, headers), key),
        httpAttempt(() => call(server.url, namespace, "queries", "orders:byCustomer", { customer }), ""),
      ])),
    );
    await sleep(500);
    if (!late && performance.now() - stopped > 2_000)
      late = await Watcher.open(server.url, namespace, "orders:byCustomer", { customer }, false);
  }
  const booting = performance.now();
  await db.server.boot();
  const up = performance.now();
  await sleep(4_000);
  running = false;
  await Promise.all([writers.stop(), outsideLoop]);

  for (const key of probeKeys) {
    const headers = { "Idempotency-Key": key, "Orrery-Client-Id": clientId };
    while ((await call(server.url, idle, "mutations", "orders:upsert", probe, headers)).status !== 200)
      await sleep(250);
  }
  const probes =
    ((await query(server.url, idle, "orders:byCustomer", { customer: probe.customer })) as unknown[]).length -
    1;

  // A last write through Orrery re-runs the live query (outside writes do not), then compare.
  await mutate(server.url, namespace, "orders:addToTotal", { id, amount: 1 });
  const acked = writers.tally.acked + 1;
  const fresh = await query(server.url, namespace, "orders:byCustomer", { customer });
  const settled = await watcher.settlesTo(fresh);
  const lateSettled = (await late?.settlesTo(fresh)) ?? false;
  const lateBack = late?.valueTimes.find((t) => t > up);
  const lateErrors = late?.errors ?? 0;
  await late?.close();
  await watcher.close();
  const total = (fresh as { total: number }[])[0]?.total;
  const counted = wireNumber(await query(server.url, namespace, "counters:get", { name: `orders:${id}` }));

  const attempts = writers.tally.attempts;
  // A resend of a commit whose outcome is unknown gets OUTCOME_UNKNOWN until it can be settled.
  const unknown = new Set(attempts.filter((a) => a.code === "OUTCOME_UNKNOWN").map((a) => a.requestId));
  const resends = attempts.filter(
    (a) => unknown.has(a.requestId) && a.sentAt >= stopped && a.answeredAt <= booting,
  );
  // Sent once the database was fully down, answered before it was started again.
  const during = attempts.filter(
    (a) => !unknown.has(a.requestId) && a.sentAt >= stopped && a.answeredAt <= booting,
  );
  const named = during.filter((a) => a.code === "UNAVAILABLE" && a.message.includes(label));
  const httpNamed = http.filter((a) => a.code === "UNAVAILABLE" && a.message.includes(label));
  const inFlight = attempts.filter((a) => a.sentAt < stopped && a.answeredAt >= stopping && a.code !== null);
  const firstOk = attempts
    .filter((a) => a.ok && a.answeredAt > up)
    .sort((a, b) => a.answeredAt - b.answeredAt)[0];
  const recovery = firstOk ? (firstOk.answeredAt - up) / 1000 : Number.POSITIVE_INFINITY;

  report.figure(check, "outage seconds (stopped → accepting again)", ((up - stopped) / 1000).toFixed(1));
  report.expect(
    check,
    "socket calls during the outage answered UNAVAILABLE naming the database",
    `${named.length}/${during.length}${others(during, label)}`,
    "all, and at least 1",
    during.length > 0 && named.length === during.length,
  );
  report.expect(
    check,
    "HTTP queries and inserts during the outage answered 503 UNAVAILABLE naming the database",
    `${httpNamed.length}/${http.length}${others(http, label)}`,
    "all, and at least 1",
    http.length > 0 && httpNamed.length === http.length,
  );
  report.figure(
    check,
    "in flight at the stop: OUTCOME_UNKNOWN / UNAVAILABLE (resent; OUTCOME_UNKNOWN again until settled)",
    `${inFlight.filter((a) => a.code === "OUTCOME_UNKNOWN").length} / ${inFlight.filter((a) => a.code === "UNAVAILABLE").length} (${resends.length} resends)`,
  );
  report.expect(
    check,
    "recovery seconds (accepting again → first acknowledged call)",
    recovery.toFixed(1),
    `≤ ${RECOVERY_LIMIT_SECONDS}`,
    recovery <= RECOVERY_LIMIT_SECONDS,
  );
  report.expect(
    check,
    "mutations acknowledged / refused / lost",
    `${acked} / ${writers.tally.refused} / ${writers.tally.lost}`,
    "refused 0, lost 0",
    writers.tally.refused === 0 && writers.tally.lost === 0,
  );
  report.expect(
    check,
    "total = acknowledged + 1000 × outside writes",
    `${total} = ${acked} + 1000 × ${outside}`,
    "equal (0 lost, 0 doubled)",
    total === acked + 1000 * outside,
  );
  report.expect(
    check,
    "counter in the Durable Object = acknowledged (no partial commit)",
    `${counted} = ${acked}`,
    "equal",
    counted === acked,
  );
  report.expect(
    check,
    "inserts refused during it, resent with their keys, landed",
    `${probes}/${probeKeys.length}`,
    "each exactly once",
    probes === probeKeys.length,
  );
  report.expect(
    check,
    "the live query's last result equals a fresh query",
    settled
      ? "yes"
      : `no: shows ${JSON.stringify(watcher.last).slice(0, 160)} after ${watcher.errors} error updates, ${watcher.transitions} transitions${watcher.socket.closed ? `, socket closed ${watcher.socket.closed.code}` : ""}`,
    "yes",
    settled,
  );
  report.expect(
    check,
    "live query subscribed during the outage: error updates, then current again after, seconds",
    `${lateErrors}, then ${lateBack === undefined ? "never" : ((lateBack - up) / 1000).toFixed(1)}`,
    `≥ 1, then ≤ ${RECOVERY_LIMIT_SECONDS}`,
    lateErrors >= 1 &&
      lateSettled &&
      lateBack !== undefined &&
      lateBack - up <= RECOVERY_LIMIT_SECONDS * 1000,
  );
  report.expect(check, "dev server crashes", server.crashes, "0", server.crashes === 0);
}
