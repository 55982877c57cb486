import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { exitOf, freePort, killGroup, processes, waitFor } from "./processes";

export interface RunningDev {
  readonly url: string;
  readonly output: () => string;
  /** Ctrl-C for `orrery dev` (its process group); resolves with its exit code once it exited. */
  stop(): Promise<{ code: number | null; wranglerGroup: number }>;
}

/** Environment for wrangler in tests: no telemetry, no update checks, no prompts. */
export const QUIET_ENV = { CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

const running = new Set<ChildProcess>();

/**
 * Starts the project's own `orrery dev --port <free port>` in a process group of its own, and
 * waits until /api/health answers.
 */
export async function startDev(root: string): Promise<RunningDev> {
  const port = await freePort();
  const child = spawn(path.join(root, "node_modules", ".bin", "orrery"), ["dev", "--port", String(port)], {
    cwd: root,
    env: { ...process.env, ...QUIET_ENV },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    // wrangler's own group: orrery dev started it detached, as its child.
    const wrangler = processes().find((p) => p.ppid === child.pid && p.args.includes("wrangler"));
    const wranglerGroup = wrangler?.pgid ?? -1;
    const exited = exitOf(child);
    killGroup(child.pid!, "SIGINT");
    const timer = setTimeout(() => {
      killGroup(child.pid!, "SIGKILL");
      if (wranglerGroup > 0) killGroup(wranglerGroup, "SIGKILL");
    }, 20_000);
    const code = await exited;
    clearTimeout(timer);
    return { code, wranglerGroup };
  };

  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`orrery dev exited (${child.exitCode}) before serving:\n${output}`);
        try {
          return (await fetch(`${url}/api/health`)).ok ? true : undefined;
        } catch {
          return undefined;
        }
      },
      `${url}/api/health`,
      150_000,
      () => output,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

/** Kills every `orrery dev` still running (after a failed test) and the wrangler groups it started. */
export async function killAllDev(): Promise<void> {
  for (const child of running) {
    const groups = processes()
      .filter((p) => p.ppid === child.pid)
      .map((p) => p.pgid);
    killGroup(child.pid!, "SIGKILL");
    for (const group of groups) killGroup(group, "SIGKILL");
    await exitOf(child);
  }
}
