import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getFreePort, onExit } from "@orrery/test-harness";

const root = fileURLToPath(new URL("../../..", import.meta.url));
/** The repository's wrangler (root devDependency), never a global one. */
export const WRANGLER_BIN = join(root, "node_modules/wrangler/bin/wrangler.js");

/**
 * Where the Durable Objects' SQLite files go: tmpfs when there is one, so that the local disk's
 * fsync latency (paid by wrangler dev's local storage on every commit, and varying with whatever
 * else the machine does) does not dominate the write path of every peer that stores something.
 */
export function storageRoot(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

export interface WranglerDev {
  /** `http://127.0.0.1:<port>`, the worker's address. */
  readonly url: string;
  /** wrangler's inspector proxy (Chrome DevTools protocol) for the worker's isolate. */
  readonly inspectorUrl: string;
  /** The user worker's workerd process (wrangler runs a second one for its proxy). */
  workerdPid(): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/** Kills a process group (best effort: it may be gone). */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {}
}

interface GroupMember {
  readonly pid: number;
  readonly cmdline: string;
}

/** The live (not zombie) processes of process group `pgid`, from /proc. */
function groupMembers(pgid: number): GroupMember[] {
  const members: GroupMember[] = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // After the parenthesized command: state, ppid, pgrp, …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) !== pgid || state === "Z" || state === "X") continue;
      members.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8") });
    } catch {
      // Gone while we looked.
    }
  }
  return members;
}

const groupAlive = (pgid: number) => groupMembers(pgid).length > 0;

/**
 * Starts the worker of `config` with one `wrangler dev` (the repository's wrangler 4), in its
 * own process group (setsid) so that stopping it also stops its workerd processes, on free
 * loopback ports, with a throwaway persistence directory. `env` reaches wrangler (e.g. the
 * Hyperdrive local connection strings). Stopped on exit, Ctrl-C and crashes too.
 */
export async function startWranglerDev(
  config: string,
  env: Record<string, string> = {},
): Promise<WranglerDev> {
  const port = await getFreePort();
  const inspectorPort = await getFreePort();
  const persist = mkdtempSync(join(storageRoot(), "orrery-bench-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      WRANGLER_BIN,
      "dev",
      "--config",
      config,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persist,
      "--log-level",
      "warn",
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: root,
      // No metrics, and no fetch of the `Request.cf` object from the network (a placeholder is fine).
      env: {
        ...process.env,
        ...env,
        CI: "true",
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const pgid = child.pid ?? 0;
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  const stopSync = () => {
    if (!groupAlive(pgid)) return;
    killGroup(pgid, "SIGTERM");
    const deadline = Date.now() + 3000;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (groupAlive(pgid) && Date.now() < deadline) Atomics.wait(nap, 0, 0, 50);
    killGroup(pgid, "SIGKILL");
    rmSync(persist, { recursive: true, force: true });
  };
  const unregister = onExit(stopSync);
  const stop = async () => {
    unregister();
    killGroup(pgid, "SIGTERM");
    const deadline = Date.now() + 5000;
    while (groupAlive(pgid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    killGroup(pgid, "SIGKILL");
    rmSync(persist, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited (${child.exitCode}) before serving:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/bench/health`)).ok) {
        return {
          url,
          inspectorUrl: `ws://127.0.0.1:${inspectorPort}/ws`,
          workerdPid: () =>
            groupMembers(pgid).find((member) => member.cmdline.includes("--inspector-addr"))?.pid,
          output: () => output,
          stop,
        };
      }
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not answer ${url}/bench/health within 120 s:\n${output}`);
}
