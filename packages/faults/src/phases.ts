import { badInputCheck } from "./checks/bad-input";
import { churnCheck } from "./checks/churn";
import { hangUpCheck } from "./checks/hang-up";
import { heartbeatCheck } from "./checks/heartbeat";
import { loadCheck } from "./checks/load";
import { outageCheck } from "./checks/outage";
import { restartCheck } from "./checks/restart";
import { localD1, startExternalDatabase } from "./databases";
import { type DevServer, startDevServer } from "./dev-server";
import type { Report } from "./report";

/** The checks, in the order they run. */
export const CHECK_NAMES = [
  "churn",
  "heartbeat",
  "bad-input",
  "load",
  "restart",
  "outage",
  "hang-up",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Runs `work`; a throw fails `check` (with its message) instead of ending the run. */
async function guarded(report: Report, check: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  process.stdout.write(`▶ ${check} … `);
  const before = report.failures.length;
  try {
    await work();
  } catch (error) {
    report.fail(check, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  const failed = report.failures.length - before;
  console.log(
    `${failed === 0 ? "ok" : `${failed} failed`} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

/** The checks that need no database server: the app on local D1 (its default). */
export async function runD1Phase(
  report: Report,
  only: ReadonlySet<CheckName>,
  persistDir: string,
): Promise<void> {
  const d1Checks: CheckName[] = ["churn", "heartbeat", "bad-input", "load", "restart"];
  if (!d1Checks.some((check) => only.has(check))) return;
  let server: DevServer | undefined;
  try {
    server = await startDevServer({ persistDir });
    const running = server;
    // First: the heap baseline is cleanest before other checks leave objects in the isolate.
    if (only.has("churn")) await guarded(report, "client churn", () => churnCheck(report, running));
    if (only.has("heartbeat")) await guarded(report, "heartbeat", () => heartbeatCheck(report, running));
    if (only.has("bad-input")) await guarded(report, "bad input", () => badInputCheck(report, running));
    if (only.has("load"))
      await guarded(report, "load (d1)", () => loadCheck(report, running, "d1", localD1(running.url)));
    // Last: it kills the dev server (and starts it again).
    if (only.has("restart")) await guarded(report, "object restart", () => restartCheck(report, running));
  } catch (error) {
    report.fail("d1 phase", error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await server?.stop();
  }
}

/** The checks on Postgres or MariaDB: load with an outside writer, an outage, a hang-up server. */
export async function runExternalPhase(
  report: Report,
  only: ReadonlySet<CheckName>,
  engine: "postgres" | "mysql",
  persistDir: string,
): Promise<void> {
  if (!only.has("load") && !only.has("outage") && !only.has("hang-up")) return;
  const db = await startExternalDatabase(engine);
  let server: DevServer | undefined;
  try {
    server = await startDevServer({ env: engine, processEnv: db.processEnv, persistDir });
    const running = server;
    if (only.has("load"))
      await guarded(report, `load (${engine})`, () => loadCheck(report, running, engine, db));
    if (only.has("outage"))
      await guarded(report, `outage (${engine})`, () => outageCheck(report, running, db));
    if (only.has("hang-up"))
      await guarded(report, `hang-up (${engine})`, () => hangUpCheck(report, running, db));
  } catch (error) {
    report.fail(`${engine} phase`, error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await server?.stop();
    await db.end().catch(() => undefined);
    await db.server.stop();
  }
}
