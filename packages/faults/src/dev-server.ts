import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getFreePort, onExit } from "@orrery/test-harness";
import { sleep } from "./timing";

const root = fileURLToPath(new URL("../../..", import.meta.url));

export interface DevServerOptions {
  /** The wrangler environment: none (D1), `postgres` or `mysql`. */
  readonly env?: "postgres" | "mysql";
  /** Extra environment for `pnpm start` (the Hyperdrive local connection strings). */
  readonly processEnv?: Readonly<Record<string, string>>;
  /** Local state (Durable Objects, D1): kept across restarts of the same server. */
  readonly persistDir: string;
}

/** The app as README line 1 serves it (`scripts/start.mjs` → `wrangler dev`), in its own process group. */
export interface DevServer {
  readonly url: string;
  /** The Chrome DevTools endpoint of the worker's isolate (every Durable Object of the worker runs in it). */
  readonly inspectorUrl: string;
  /** Exits of the process group that nobody asked for (a crash of the dev server). */
  readonly crashes: number;
  output(): string;
  /** Stops the group (SIGTERM, then SIGKILL), as Ctrl-C would. */
  stop(): Promise<void>;
  /** SIGKILLs the whole group at once: wrangler and workerd die mid-work, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and state (after `kill` or `stop`). */
  start(): Promise<void>;
}

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
}

/** Every live (not zombie) process, from /proc. */
function processes(): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z" && state !== "X")
        found.push({ pid: Number(entry), ppid: Number(ppid), pgid: Number(pgrp) });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

const groupAlive = (pgid: number) => processes().some((entry) => entry.pgid === pgid);

/**
 * The process groups of a `pnpm start`: its own, and wrangler's, which start.mjs starts in a
 * group of its own (so that its Ctrl-C handler can stop workerd with it).
 */
function groupsOf(startPid: number): number[] {
  const all = processes();
  const groups = new Set([startPid]);
  for (const entry of all) if (entry.ppid === startPid) groups.add(entry.pgid);
  return [...groups];
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

async function waitGroupsGone(groups: readonly number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groups.some(groupAlive)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Starts the app with `node scripts/start.mjs` (build the page, apply local D1 migrations,
 * `wrangler dev`), detached into its own process group (setsid), so stopping it stops workerd
 * too; a free port, a free inspector port, `--persist-to` a directory of the suite's own.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = await getFreePort();
  const inspectorPort = await getFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  let crashes = 0;
  let expectingExit = false;

  /** Both groups, found while start.mjs runs: after it died, wrangler's would be an orphan. */
  let groups: number[] = [];
  const stopSync = () => {
    for (const group of groups) signalGroup(group, "SIGKILL");
  };
  const unregister = onExit(stopSync);

  const launch = async () => {
    expectingExit = false;
    const args = [
      "scripts/start.mjs",
      "--persist-to",
      options.persistDir,
      "--inspector-port",
      String(inspectorPort),
    ];
    if (options.env) args.push("--env", options.env);
    args.push("--log-level", "warn", "--show-interactive-dev-session=false");
    const started = spawn(process.execPath, args, {
      cwd: root,
      env: {
        ...process.env,
        ...options.processEnv,
        PORT: String(port),
        CI: "true",
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
    };
    started.stdout?.on("data", keep);
    started.stderr?.on("data", keep);
    started.on("exit", () => {
      if (!expectingExit) crashes++;
    });
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null)
        throw new Error(
          `pnpm start exited (${started.exitCode ?? started.signalCode}) before serving:\n${output.slice(-4000)}`,
        );
      try {
        if ((await fetch(`${url}/api/health`)).ok) {
          groups = groupsOf(started.pid ?? 0).filter((group) => group > 0);
          return;
        }
      } catch {}
      await sleep(250);
    }
    groups = groupsOf(started.pid ?? 0).filter((group) => group > 0);
    await halt("SIGKILL");
    throw new Error(`pnpm start did not answer ${url}/api/health within 180 s:\n${output.slice(-4000)}`);
  };

  // start.mjs forwards SIGTERM to wrangler's group and exits with it; SIGKILL reaches both at once.
  const halt = async (signal: NodeJS.Signals) => {
    expectingExit = true;
    const targets = signal === "SIGKILL" ? groups : groups.slice(0, 1);
    for (const group of targets) signalGroup(group, signal);
    if (!(await waitGroupsGone(groups, 8_000))) {
      for (const group of groups) signalGroup(group, "SIGKILL");
      await waitGroupsGone(groups, 5_000);
    }
  };

  await launch();
  return {
    url,
    inspectorUrl: `ws://127.0.0.1:${inspectorPort}/ws`,
    get crashes() {
      return crashes;
    },
    output: () => output,
    stop: async () => {
      await halt("SIGTERM");
      unregister();
    },
    kill: () => halt("SIGKILL"),
    start: launch,
  };
}
