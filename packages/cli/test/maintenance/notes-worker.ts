import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { QUIET_ENV } from "../e2e/orrery-dev";
import { exitOf, freePort, killGroup, waitFor } from "../e2e/processes";

/**
 * @orrery/cloudflare's own test worker (a user's worker: Orrery under /v1, the GlobalStore bound
 * as NOTES_STORE, the admin token as NOTES_ADMIN), served by `wrangler dev` with that package's
 * wrangler, so `orrery maintenance` talks to the real routes and Durable Objects.
 */
const cloudflarePackage = fileURLToPath(new URL("../../../cloudflare/", import.meta.url));
const wranglerBin = createRequire(path.join(cloudflarePackage, "package.json")).resolve(
  "wrangler/bin/wrangler.js",
);

export interface NotesWorker {
  /** The URL Orrery's routes are under, as `--worker` takes it. */
  readonly url: string;
  /** Ctrl-C for wrangler dev and its workerd (its own process group). */
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` on a free port with its local state in `persistDir`: a second start on
 * the same folder is a restart of the same Durable Objects.
 */
export async function startNotesWorker(persistDir: string, adminToken: string): Promise<NotesWorker> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      wranglerBin,
      "dev",
      "--config",
      path.join(cloudflarePackage, "test", "wrangler.jsonc"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      persistDir,
      "--var",
      `NOTES_ADMIN:${adminToken}`,
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: cloudflarePackage,
      env: { ...process.env, ...QUIET_ENV },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = exitOf(child);
    killGroup(child.pid!, "SIGINT");
    const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    // workerd may outlive wrangler: the group goes with it.
    killGroup(child.pid!, "SIGKILL");
  };
  const url = `http://127.0.0.1:${port}/v1`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
        try {
          return (await fetch(`${url}/health`)).ok ? true : undefined;
        } catch {
          return undefined;
        }
      },
      `${url}/health`,
      120_000,
      () => output,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
