import type { DevServer } from "../dev-server";
import { GoodClient } from "../good-client";
import type { Report } from "../report";
import { sleep, waitFor } from "../timing";

const CLIENTS = 5;
/** Writes each client makes while the server is down: queued, sent when it is back. */
const QUEUED_PER_CLIENT = 3;

/**
 * Mid-session, the whole dev server (wrangler and its workerd) is killed with SIGKILL, as a
 * crash, and started again on the same port and local state. Five `@orrery/client` clients
 * keep writing throughout, and each makes 3 more writes while it is down: they reconnect by
 * themselves, re-subscribe, and every write lands exactly once (resent with its request id).
 * Each client's results must then equal fresh queries: no transition missed.
 */
export async function restartCheck(report: Report, server: DevServer): Promise<void> {
  const check = "object restart";
  const namespace = `restart-${Date.now()}`;
  const clients = Array.from(
    { length: CLIENTS },
    (_, i) => new GoodClient(server.url, namespace, `client-${i}`),
  );
  for (const client of clients)
    if (!(await client.ready())) throw new Error(`${client.name}: no first results`);
  for (const client of clients) client.start();
  await sleep(2_000);

  const killed = performance.now();
  await server.kill();
  // Written while nothing serves: each waits in its client's queue.
  const queued = clients.flatMap((client) =>
    Array.from({ length: QUEUED_PER_CLIENT }, (_, n) => client.step(1_000_000 + n)),
  );
  await server.start();
  const serving = performance.now();
  const reconnected = await waitFor(
    () => clients.every((c) => c.client.connectionState().state === "open"),
    30_000,
  );
  const back = performance.now();
  const landed = await Promise.race([
    Promise.all(queued).then(
      () => true,
      () => false,
    ),
    sleep(60_000).then(() => false),
  ]);
  await sleep(1_000);
  await Promise.all(clients.map((client) => client.stop()));
  const verdicts = await Promise.all(clients.map((client) => client.verdict(server.url)));
  for (const client of clients) client.close();

  report.figure(
    check,
    "dev server down (SIGKILL → serving again), seconds",
    ((serving - killed) / 1000).toFixed(1),
  );
  report.expect(
    check,
    "clients reconnected by themselves, seconds after it served again",
    reconnected ? ((back - serving) / 1000).toFixed(1) : "not all",
    "all, ≤ 30",
    reconnected,
  );
  report.expect(
    check,
    "writes queued while it was down, acknowledged",
    landed ? `${queued.length}/${queued.length}` : "not all",
    "all",
    landed,
  );
  report.expect(
    check,
    "clients whose results equal fresh queries (0 transitions missed)",
    `${verdicts.filter((v) => v.current).length}/${CLIENTS}`,
    "all",
    verdicts.every((v) => v.current),
  );
  report.expect(
    check,
    "clients whose every acknowledged write shows exactly once",
    `${verdicts.filter((v) => v.allVisible && v.counted).length}/${CLIENTS} (${clients.reduce((s, c) => s + c.orderIds.length + c.increments, 0)} writes)`,
    "all",
    verdicts.every((v) => v.allVisible && v.counted),
  );
  report.expect(
    check,
    "failed writes",
    clients.reduce((s, c) => s + c.failures, 0),
    "0",
    clients.every((c) => c.failures === 0),
  );
}
