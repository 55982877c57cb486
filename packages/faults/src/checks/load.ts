import { randomUUID } from "node:crypto";
import type { Backend, OutsideSql } from "../databases";
import type { DevServer } from "../dev-server";
import { call, mutate, query } from "../http";
import { MutationChannel } from "../mutation-channel";
import { ProtocolSocket } from "../protocol-socket";
import type { Report } from "../report";
import { sleep } from "../timing";
import { Watcher } from "../watcher";
import { wireNumber } from "../wire";

const SOCKETS = 50;
/** Increments each socket sends at once (pipelined, all in flight together), as the issue asks. */
const PER_SOCKET = 200;
const HTTP_CALLS = 200;
const HTTP_CONCURRENCY = 10;
const OUTSIDE_EVERY_MS = 200;
/**
 * One namespace runs its mutations one at a time, in order: a call sent with 10,000 ahead of
 * it waits for all of them, so a call may take as long as the whole load.
 */
const LOAD_TIMEOUT_MS = 300_000;

interface Counts {
  acked: number;
  /** Final errors (e.g. CONFLICT past the retry bound): nothing of them may have landed. */
  refused: Map<string, number>;
  /** The first refusal's message, for the report. */
  example?: string;
}

const refuse = (counts: Counts, code: string) =>
  counts.refused.set(code, (counts.refused.get(code) ?? 0) + 1);

/** `count` increments over HTTP, `HTTP_CONCURRENCY` at a time, each with its own idempotency key. */
async function httpIncrements(url: string, namespace: string, id: string, count: number, counts: Counts) {
  let next = 0;
  const clientId = randomUUID();
  await Promise.all(
    Array.from({ length: HTTP_CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        const key = randomUUID();
        for (;;) {
          const headers = { "Idempotency-Key": key, "Orrery-Client-Id": clientId };
          const args = { id, amount: 1 };
          const answer = await call(
            url,
            namespace,
            "mutations",
            "orders:addToTotal",
            args,
            headers,
            LOAD_TIMEOUT_MS,
          );
          if (answer.status === 200) counts.acked++;
          else if (answer.status === 503) {
            await sleep(100);
            continue;
          } else refuse(counts, answer.body.error?.code ?? String(answer.status));
          break;
        }
      }
    }),
  );
}

/**
 * 50 sockets × PER_SOCKET increments of one `.global()` order, all in flight at once, beside HTTP
 * increments and an outside writer that adds 1000 to the same row in SQL (bumping `_version`,
 * which the store's optimistic-concurrency guard checks, so a mutation that read the old row
 * runs again). The total must be exactly the acknowledged increments plus the outside adds.
 */
export async function loadCheck(
  report: Report,
  server: DevServer,
  backend: Backend,
  outside: OutsideSql,
): Promise<void> {
  const check = `load (${backend})`;
  const namespace = `load-${backend}-${Date.now()}`;
  const customer = "load";
  const id = String(
    await mutate(server.url, namespace, "orders:upsert", { customer, total: 0, status: "open" }),
  );
  const watcher = await Watcher.open(server.url, namespace, "orders:byCustomer", { customer });
  const channels = await Promise.all(
    Array.from({ length: SOCKETS }, async () => {
      const socket = await ProtocolSocket.open(server.url, namespace);
      socket.keep = false;
      return new MutationChannel(socket);
    }),
  );
  const ws: Counts = { acked: 0, refused: new Map() };
  const http: Counts = { acked: 0, refused: new Map() };
  let outsideAdds = 0;
  let loading = true;
  let outsideErrors = 0;
  const outsideLoop = (async () => {
    while (loading) {
      await sleep(OUTSIDE_EVERY_MS);
      if (!loading) break;
      try {
        outsideAdds += await outside.addToOrder(namespace, id, 1000);
      } catch (error) {
        outsideErrors++;
        if (outsideErrors === 1) console.error(`\n  outside writer: ${(error as Error).message}`);
      }
    }
  })();

  const started = performance.now();
  let seconds = 0;
  try {
    await Promise.all([
      ...channels.map((channel) =>
        Promise.all(
          Array.from({ length: PER_SOCKET }, async () => {
            const final = await channel.untilFinal("orders:addToTotal", { id, amount: 1 }, undefined, {
              timeoutMs: LOAD_TIMEOUT_MS,
            });
            if (final.ok === true) ws.acked++;
            else {
              const error = final.error as { code: string; message: string };
              refuse(ws, error.code);
              ws.example ??= error.message.slice(0, 200);
            }
          }),
        ),
      ),
      httpIncrements(server.url, namespace, id, HTTP_CALLS, http),
    ]);
    seconds = (performance.now() - started) / 1000;
  } finally {
    loading = false;
    await outsideLoop;
    await Promise.all(channels.map((channel) => channel.socket.close()));
  }

  await mutate(server.url, namespace, "orders:addToTotal", { id, amount: 1 });
  const acked = ws.acked + http.acked + 1;
  const fresh = await query(server.url, namespace, "orders:byCustomer", { customer });
  const settled = await watcher.settlesTo(fresh);
  await watcher.close();
  const total = (fresh as { total: number }[])[0]?.total;
  const counted = wireNumber(await query(server.url, namespace, "counters:get", { name: `orders:${id}` }));
  const refused = [...ws.refused, ...http.refused].map(([code, n]) => `${code} ${n}`).join(", ") || "none";
  const sent = SOCKETS * PER_SOCKET + HTTP_CALLS + 1;

  report.figure(check, "increments sent (socket + HTTP)", `${SOCKETS} × ${PER_SOCKET} + ${HTTP_CALLS} + 1`);
  report.figure(
    check,
    "acknowledged / refused",
    `${acked} / ${refused}${ws.example ? ` (e.g. ${ws.example})` : ""}`,
  );
  report.expect(
    check,
    "outside writes (+1000 each, in SQL) / failed",
    `${outsideAdds} / ${outsideErrors}`,
    "failed 0",
    outsideErrors === 0,
  );
  report.figure(check, "throughput, acknowledged increments per second", Math.round((acked - 1) / seconds));
  report.expect(
    check,
    "total = acknowledged + 1000 × outside writes",
    `${total} = ${acked} + 1000 × ${outsideAdds}`,
    "equal (0 lost, 0 doubled)",
    total === acked + 1000 * outsideAdds,
  );
  report.expect(check, "acknowledged of sent", `${acked}/${sent}`, "all", acked === sent);
  report.expect(
    check,
    "counter in the Durable Object = acknowledged",
    `${counted} = ${acked}`,
    "equal",
    counted === acked,
  );
  report.expect(
    check,
    "the live query's last result equals a fresh query",
    settled ? "yes" : "no",
    "yes",
    settled,
  );
  report.expect(check, "dev server crashes", server.crashes, "0", server.crashes === 0);
}
