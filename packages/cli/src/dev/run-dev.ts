import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, type FSWatcher, readFileSync, watch } from "node:fs";
import path from "node:path";
import { type CommandIo, UsageError } from "../command";
import { generateCommand } from "../commands/generate";
import type { ProjectConfig } from "../config";
import { type D1Database, d1ForMigrations, localDatabaseVars, readWranglerConfig } from "./wrangler-config";

export interface DevOptions {
  readonly port: number;
  /** A wrangler environment (`--env`), for both the D1 migrations and `wrangler dev`. */
  readonly env?: string;
  /** Passed to `wrangler dev` after orrery's own arguments. */
  readonly wranglerArgs: readonly string[];
}

/** How long a change settles before the schema is regenerated (editors write in bursts). */
const DEBOUNCE_MS = 150;
/** How long wrangler gets to stop after a signal before its process group is killed. */
const STOP_GRACE_MS = 5_000;
const SOURCE_FILE = /\.[cm]?[jt]sx?$/;
const IS_WINDOWS = process.platform === "win32";

/** `node_modules/.bin/<name>` in `from` or the nearest folder above it that has one. */
export function findBin(from: string, name: string): string | undefined {
  const file = IS_WINDOWS ? `${name}.cmd` : name;
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const bin = path.join(dir, "node_modules", ".bin", file);
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function journalEntries(migrations: string): number {
  try {
    const journal = JSON.parse(readFileSync(path.join(migrations, "meta", "_journal.json"), "utf8"));
    return Array.isArray(journal.entries) ? journal.entries.length : 0;
  } catch {
    return 0;
  }
}

/** Whether any process of group `pgid` is left. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (IS_WINDOWS) child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * `orrery dev`: generate, apply the local D1 migrations, run `wrangler dev` in its own process
 * group, and regenerate + re-apply when the schema changes. Resolves with the exit code once
 * wrangler has exited and its process group is gone.
 */
export async function runDev(config: ProjectConfig, options: DevOptions, io: CommandIo): Promise<number> {
  const show = (file: string) => path.relative(io.cwd, file) || ".";
  const wranglerConfig = readWranglerConfig(config.wranglerConfig, show);
  const d1 = d1ForMigrations(wranglerConfig, config.migrations, options.env);
  const wrangler = findBin(config.root, "wrangler");
  if (!wrangler)
    throw new UsageError(
      `wrangler not found in node_modules/.bin of ${show(config.root)} or above: install it (npm install -D wrangler)`,
    );
  const envArgs = options.env !== undefined ? ["--env", options.env] : [];
  const localDatabases = localDatabaseVars(wranglerConfig, options.env, process.env);

  let stopping = false;
  /** The child of the step running now (D1 migrations or wrangler dev). */
  let step: ChildProcess | undefined;
  let dev: ChildProcess | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C does not wait for a graceful stop, and neither does a wrangler that hangs.
    const force = stopping;
    stopping = true;
    step?.kill(signal);
    if (!dev) return;
    if (!force) io.out("▶ stopping wrangler dev");
    signalGroup(dev, force ? "SIGKILL" : signal);
    const running = dev;
    if (!force) setTimeout(() => signalGroup(running, "SIGKILL"), STOP_GRACE_MS).unref();
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, onSignal);
  const watchers: FSWatcher[] = [];
  const cleanUp = () => {
    for (const signal of signals) process.off(signal, onSignal);
    for (const watcher of watchers.splice(0)) watcher.close();
  };

  /** `orrery generate` in-process; `out`/`err` receive its lines. Returns its exit code. */
  const generate = async (out: (line: string) => void, err: (line: string) => void) => {
    try {
      return await generateCommand.run({ values: {}, positionals: [], io: { cwd: config.root, out, err } });
    } catch (error) {
      err(`orrery generate: ${error instanceof Error ? error.message : String(error)}`);
      return error instanceof UsageError ? error.exitCode : 1;
    }
  };

  const applyD1 = (database: D1Database) =>
    new Promise<number>((resolve) => {
      const child = spawn(
        wrangler,
        [
          "d1",
          "migrations",
          "apply",
          database.binding,
          "--local",
          "--config",
          config.wranglerConfig,
          ...envArgs,
        ],
        // CI=true: apply without asking for confirmation.
        { cwd: config.root, stdio: "inherit", env: { ...process.env, CI: "true" }, shell: IS_WINDOWS },
      );
      step = child;
      child.on("error", (error) => {
        io.err(`✖ could not run wrangler: ${error.message}`);
        resolve(1);
      });
      child.on("exit", (code, signal) => {
        step = undefined;
        resolve(code ?? (signal ? 1 : 0));
      });
    });

  /** Generates and applies the migrations; returns an exit code when orrery dev should stop there. */
  const prepare = async (): Promise<number | undefined> => {
    io.out("▶ generating migrations");
    const generated = await generate(
      (line) => io.out(`  ${line}`),
      (line) => io.err(line),
    );
    if (generated !== 0) return generated;
    if (stopping) return 0;
    if (d1) {
      io.out("▶ applying D1 migrations locally");
      const applied = await applyD1(d1);
      if (stopping) return 0;
      if (applied !== 0) {
        io.err(`✖ applying D1 migrations failed (exit ${applied})`);
        return applied;
      }
    } else {
      io.out(
        `  no D1 database in ${show(config.wranglerConfig)} has migrations_dir ${show(config.migrations)}; skipping D1`,
      );
    }
    return stopping ? 0 : undefined;
  };
  let stopAt: number | undefined;
  try {
    stopAt = await prepare();
  } catch (error) {
    cleanUp();
    throw error;
  }
  if (stopAt !== undefined) {
    cleanUp();
    return stopAt;
  }

  io.out(`▶ starting wrangler dev on http://localhost:${options.port}`);
  const child = spawn(
    wrangler,
    [
      "dev",
      "--config",
      config.wranglerConfig,
      "--port",
      String(options.port),
      ...envArgs,
      ...localDatabases,
      ...options.wranglerArgs,
    ],
    // Its own process group: wrangler leaves workerd behind when only it is killed.
    { cwd: config.root, stdio: "inherit", detached: !IS_WINDOWS, shell: IS_WINDOWS },
  );
  dev = child;
  // If this process dies of anything else, its wrangler group must not outlive it.
  const killGroup = () => {
    if (!IS_WINDOWS && child.pid !== undefined && groupAlive(child.pid)) signalGroup(child, "SIGKILL");
  };
  process.once("exit", killGroup);
  const exited = new Promise<number>((resolve) => {
    child.on("error", (error) => {
      io.err(`✖ could not start wrangler dev: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(stopping ? 0 : (code ?? (signal ? 1 : 0))));
  });

  // Regenerate when the schema (or a module it may import) changes; wrangler reloads the worker
  // by itself when migrations/migrations.js changes.
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const regenerate = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await regenerateOnce();
      } while (again && !stopping);
    } finally {
      running = false;
    }
  };
  const regenerateOnce = async () => {
    const before = journalEntries(config.migrations);
    const out: string[] = [];
    const err: string[] = [];
    const code = await generate(
      (line) => out.push(line),
      (line) => err.push(line),
    );
    if (code !== 0) {
      io.err(`✖ generating migrations failed; still serving the last good migrations:`);
      for (const line of err) io.err(`  ${line}`);
      return;
    }
    if (journalEntries(config.migrations) === before) return;
    io.out("▶ schema changed: generating migrations");
    for (const line of out) io.out(`  ${line}`);
    for (const line of err) io.err(`  ${line}`);
    if (d1 && !stopping) {
      io.out("▶ applying D1 migrations locally");
      const applied = await applyD1(d1);
      if (applied !== 0) io.err(`✖ applying D1 migrations failed (exit ${applied})`);
    }
  };
  const onChange = (dir: string) => (_event: string, filename: string | Buffer | null) => {
    if (stopping) return;
    const name = filename ? String(filename) : "";
    if (name) {
      const file = path.resolve(dir, name);
      if (!SOURCE_FILE.test(file) || file.startsWith(config.migrations + path.sep)) return;
      if (file.split(path.sep).some((part) => part === "node_modules" || part === ".wrangler")) return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => void regenerate(), DEBOUNCE_MS);
  };
  const watchDir = (dir: string, recursive: boolean) => {
    if (!existsSync(dir)) return;
    try {
      const watcher = watch(dir, { recursive }, onChange(dir));
      // A watcher that fails later (the folder removed, inotify limits) must not crash this
      // process and orphan wrangler: say so and keep serving without it.
      watcher.on("error", (error) => io.err(`  stopped watching ${show(dir)}: ${error.message}`));
      watchers.push(watcher);
    } catch (error) {
      io.err(`  not watching ${show(dir)}: ${(error as Error).message}`);
    }
  };
  watchDir(config.functions, true);
  const schemaDir = path.dirname(config.schema);
  if (schemaDir !== config.functions && !schemaDir.startsWith(config.functions + path.sep))
    watchDir(schemaDir, false);

  const code = await exited;
  clearTimeout(timer);
  cleanUp();
  process.removeListener("exit", killGroup);
  // workerd may outlive wrangler: make sure nothing of the group is left.
  if (!IS_WINDOWS && child.pid !== undefined && groupAlive(child.pid)) {
    signalGroup(child, "SIGTERM");
    for (const deadline = Date.now() + STOP_GRACE_MS; groupAlive(child.pid) && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (groupAlive(child.pid)) signalGroup(child, "SIGKILL");
  }
  return code;
}
