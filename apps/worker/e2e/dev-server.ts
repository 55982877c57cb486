import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getFreePort as freePort } from "@orrery/test-harness";

const root = fileURLToPath(new URL("../../..", import.meta.url));

export interface DevServer {
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the app exactly as README line 1 does (scripts/start.mjs: build the page, apply D1
 * migrations, `wrangler dev`), on a free port (or `port`: the one a stopped server had, so its
 * clients reconnect to the new one), in its own process group so stopping it also stops workerd.
 */
export async function startDevServer(
  extraArgs: string[] = [],
  env: Record<string, string> = {},
  port?: number,
): Promise<DevServer> {
  port ??= await freePort();
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs", ...extraArgs], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), CI: "true" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {}
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the app exited (${child.exitCode}) before serving:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, port, output: () => output, stop };
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`the app did not answer /api/health within 150 s:\n${output}`);
}
