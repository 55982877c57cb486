import type { ChildProcess } from "node:child_process";
import { type DirTracker, isAlive, readLogTail, stopProcess } from "./system.js";

export interface RestartableOptions {
  /** The server process that is running now. */
  readonly child: ChildProcess;
  readonly tracker: DirTracker;
  /** How `stop()` ends it: the data is thrown away, so as fast as possible. */
  readonly stopSignal: NodeJS.Signals;
  /** How `shutdown()` ends it: a clean shutdown that keeps every committed transaction. */
  readonly shutdownSignal: NodeJS.Signals;
  /** Spawns the server again with the same data directory and port. */
  readonly spawn: () => ChildProcess;
  /** Resolves once `child` accepts authenticated queries; a reason when it never does. */
  readonly waitReady: (child: ChildProcess) => Promise<{ kind: string; detail?: string }>;
  /** Names the server in errors, e.g. `PostgreSQL on 127.0.0.1:5432`. */
  readonly name: string;
  readonly logFile: string;
}

export interface RestartableServer {
  readonly pid: number;
  stop(): Promise<void>;
  shutdown(): Promise<void>;
  boot(): Promise<void>;
}

const running = (child: ChildProcess) =>
  child.exitCode === null && child.signalCode === null && child.pid !== undefined && isAlive(child.pid);

/**
 * A started server that can be shut down and booted again on its port with its data (an
 * outage, as tests stage one), and stopped for good. The dir tracker always knows the process
 * of the moment, so its watchdog stops a rebooted server too.
 */
export function restartableServer(options: RestartableOptions): RestartableServer {
  let current = options.child;
  let stopping: Promise<void> | undefined;
  return {
    get pid() {
      return current.pid ?? 0;
    },
    stop() {
      stopping ??= (async () => {
        await stopProcess(current, options.stopSignal);
        options.tracker.clearProcess();
        options.tracker.release();
      })();
      return stopping;
    },
    async shutdown() {
      // A clean shutdown may checkpoint first: give it time before SIGKILL would lose data.
      await stopProcess(current, options.shutdownSignal, 30_000);
      options.tracker.clearProcess();
    },
    async boot() {
      if (stopping) throw new Error(`${options.name} was stopped for good; it cannot boot again`);
      if (running(current)) return;
      const next = options.spawn();
      if (next.pid === undefined) throw new Error(`could not spawn ${options.name}`);
      current = next;
      options.tracker.setProcess(next.pid, options.stopSignal);
      const ready = await options.waitReady(next);
      if (ready.kind !== "ready") {
        await stopProcess(next, options.stopSignal);
        options.tracker.clearProcess();
        throw new Error(
          `${options.name} did not boot again: ${ready.detail ?? ready.kind}\n--- log (${options.logFile}) ---\n${readLogTail(options.logFile)}`,
        );
      }
    },
  };
}
