import net from "node:net";
import { type ExternalDatabase, LABEL } from "../databases";
import type { DevServer } from "../dev-server";
import { call, mutate } from "../http";
import type { Report } from "../report";
import { sleep } from "../timing";

/** A call must give up within this long (the drivers' connect timeout is 5 s). */
const DEADLINE_SECONDS = 10;

/** A server on `port` that accepts every connection and hangs up at once; it counts them. */
async function hangUpServer(port: number): Promise<{ accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * In place of the database, a server that accepts connections and hangs up at once (a proxy
 * whose backend is gone, a database refusing at the door): each call must fail with
 * UNAVAILABLE within a bounded time and the driver must stop dialing, not reconnect forever.
 */
export async function hangUpCheck(report: Report, server: DevServer, db: ExternalDatabase): Promise<void> {
  const check = `hang-up (${db.engine})`;
  const namespace = `hangup-${db.engine}-${Date.now()}`;
  const id = String(
    await mutate(server.url, namespace, "orders:upsert", { customer: "h", total: 0, status: "open" }),
  );
  await db.server.shutdown();
  const fake = await hangUpServer(db.server.port);
  let answers: { seconds: number; code: string }[] = [];
  let dialedAfter = 0;
  try {
    answers = await Promise.all(
      [0, 1, 2].map(async () => {
        const start = performance.now();
        try {
          const answer = await call(
            server.url,
            namespace,
            "mutations",
            "orders:addToTotal",
            { id, amount: 1 },
            {},
            60_000,
          );
          const message = answer.body.error?.message ?? "";
          const named = message.includes(LABEL[db.engine]);
          return {
            seconds: (performance.now() - start) / 1000,
            code: `${answer.body.error?.code ?? answer.status}${named ? "" : " (database not named)"}`,
          };
        } catch (error) {
          return {
            seconds: (performance.now() - start) / 1000,
            code: `no answer: ${(error as Error).message}`,
          };
        }
      }),
    );
    const settled = fake.accepted();
    await sleep(3_000);
    dialedAfter = fake.accepted() - settled;
    report.figure(check, "connections the hang-up server accepted", settled + dialedAfter);
  } finally {
    await fake.close();
    await db.server.boot();
  }
  const slowest = Math.max(...answers.map((a) => a.seconds));
  report.expect(
    check,
    "3 calls answered UNAVAILABLE naming the database",
    answers.map((a) => a.code).join(", "),
    "UNAVAILABLE × 3",
    answers.every((a) => a.code === "UNAVAILABLE"),
  );
  report.expect(
    check,
    "slowest answer, seconds",
    slowest.toFixed(1),
    `≤ ${DEADLINE_SECONDS}`,
    slowest <= DEADLINE_SECONDS,
  );
  report.expect(
    check,
    "connections dialed in the 3 s after the answers (reconnect loop)",
    dialedAfter,
    "0",
    dialedAfter === 0,
  );
  const start = performance.now();
  let resumed = false;
  while (!resumed && performance.now() - start < 10_000) {
    const answer = await call(server.url, namespace, "mutations", "orders:addToTotal", { id, amount: 1 });
    resumed = answer.status === 200;
    if (!resumed) await sleep(200);
  }
  report.expect(
    check,
    "serves again once the database is back, seconds",
    ((performance.now() - start) / 1000).toFixed(1),
    "≤ 10",
    resumed,
  );
}
