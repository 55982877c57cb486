// Starts a throwaway PostgreSQL server (Debian's postgresql-15 binaries) on a free loopback port.

import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { restartableServer } from "./restartable.js";
import {
  chownIfNeeded,
  findBinary,
  getFreePort,
  isAlive,
  makeTempDir,
  pathDirs,
  readLogTail,
  rejectOnExit,
  resolveRunAs,
  runCommand,
  type SystemUser,
  sleep,
  spawnServer,
  stopProcess,
  trackDir,
  withTimeout,
} from "./system.js";
import {
  type DatabaseServer,
  DEFAULT_DATABASE,
  DEFAULT_PASSWORD,
  DEFAULT_USER,
  type StartServerOptions,
} from "./types.js";

const APT_PACKAGE = "postgresql";

export interface StartPostgresOptions extends StartServerOptions {
  /** Directory with initdb and postgres. Default `$ORRERY_PG_BIN_DIR`, then /usr/lib/postgresql/15/bin. */
  binDir?: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number | boolean>;
}

function postgresBinDirs(explicit: string | undefined): string[] {
  if (explicit !== undefined) return [explicit];
  const dirs: string[] = [];
  if (process.env.ORRERY_PG_BIN_DIR) dirs.push(process.env.ORRERY_PG_BIN_DIR);
  dirs.push("/usr/lib/postgresql/15/bin");
  try {
    const versions = readdirSync("/usr/lib/postgresql")
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // no Debian postgres layout
  }
  return [...new Set([...dirs, ...pathDirs()])];
}

/** Locates initdb and postgres (the server, not just the psql client). */
export function findPostgresBinaries(binDir?: string): { initdb: string; postgres: string } {
  const dirs = postgresBinDirs(binDir);
  // Both must come from the same directory.
  for (const dir of dirs) {
    if (existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres"))) {
      return { initdb: join(dir, "initdb"), postgres: join(dir, "postgres") };
    }
  }
  return {
    initdb: findBinary(["initdb"], dirs, APT_PACKAGE),
    postgres: findBinary(["postgres"], dirs, APT_PACKAGE),
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface ReadyCheck {
  kind: "ready" | "exited" | "foreign";
  detail?: string;
}

/** Polls until the server accepts an authenticated query and is ours (same data directory). */
async function waitUntilReady(
  child: ChildProcess,
  conn: { port: number; user: string; password: string },
  dataDir: string,
  deadline: number,
): Promise<ReadyCheck> {
  let lastError = "";
  const exited = rejectOnExit(child);
  while (Date.now() < deadline) {
    if (
      child.exitCode !== null ||
      child.signalCode !== null ||
      (child.pid !== undefined && !isAlive(child.pid))
    ) {
      return { kind: "exited", detail: lastError };
    }
    const sql = postgres({
      host: "127.0.0.1",
      port: conn.port,
      user: conn.user,
      password: conn.password,
      database: "postgres",
      max: 1,
      connect_timeout: 2,
      idle_timeout: 1,
      onnotice: () => {},
    });
    try {
      // Bounded: something else listening on the port might accept and never answer.
      const rows = await withTimeout(
        Promise.race([sql<{ dir: string }[]>`select current_setting('data_directory') as dir`, exited]),
        3000,
        `no answer from 127.0.0.1:${conn.port}`,
      );
      const dir = rows[0]?.dir;
      if (dir !== dataDir) return { kind: "foreign", detail: `port ${conn.port} is served from ${dir}` };
      return { kind: "ready" };
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await sql.end({ timeout: 0 }).catch(() => {});
    }
    await sleep(50);
  }
  return { kind: "exited", detail: `timed out; last connection error: ${lastError}` };
}

/**
 * Starts a fresh PostgreSQL server in a new temp dir: `initdb` (scram-sha-256 password auth,
 * superuser `orrery`), `postgres` on 127.0.0.1 with fsync off, then creates the database.
 * Running as root, the server runs as the `postgres` system user.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<DatabaseServer> {
  const t0 = performance.now();
  const user = options.user ?? DEFAULT_USER;
  const password = options.password ?? DEFAULT_PASSWORD;
  const database = options.database ?? DEFAULT_DATABASE;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const attempts = options.port !== undefined ? 1 : (options.portAttempts ?? 5);
  const bins = findPostgresBinaries(options.binDir);
  const runAs: SystemUser | undefined = resolveRunAs("postgres", APT_PACKAGE);

  const baseDir = makeTempDir("orrery-pg-", runAs, options.tmpRoot);
  const tracker = trackDir(baseDir);
  const dataDir = join(baseDir, "data");
  const logFile = join(baseDir, "postgres.log");
  const timings: Record<string, number> = {};
  let started = false;
  try {
    const pwFile = join(baseDir, "pwfile");
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    chownIfNeeded(pwFile, runAs);
    writeFileSync(logFile, "", { mode: 0o644 });
    chownIfNeeded(logFile, runAs);

    const tInit = performance.now();
    await runCommand(
      bins.initdb,
      [
        "-D",
        dataDir,
        "-U",
        user,
        `--pwfile=${pwFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
        "--no-instructions",
      ],
      { runAs, cwd: baseDir, env: { LC_ALL: "C", HOME: baseDir }, description: "initdb", tracker },
    );
    timings.initdb = Math.round(performance.now() - tInit);

    const settings: Record<string, string | number | boolean> = {
      listen_addresses: "127.0.0.1",
      unix_socket_directories: baseDir,
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
      jit: "off",
      shared_buffers: "32MB",
      max_connections: 100,
      log_min_messages: "warning",
      ...options.settings,
    };

    const deadline = Date.now() + timeoutMs;
    let lastFailure = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      writeFileSync(logFile, ""); // fresh log per attempt, so failures are judged on this one
      const port = options.port ?? (await getFreePort());
      const args = ["-D", dataDir, "-p", String(port)];
      for (const [name, value] of Object.entries(settings)) args.push("-c", `${name}=${String(value)}`);
      const tBoot = performance.now();
      const child = spawnServer(bins.postgres, args, { runAs, cwd: baseDir, logFile, env: { LC_ALL: "C" } });
      if (child.pid === undefined) throw new Error(`could not spawn ${bins.postgres}`);
      tracker.setProcess(child.pid, "SIGQUIT");
      const stopChild = async () => {
        await stopProcess(child, "SIGQUIT");
        tracker.clearProcess();
        tracker.release();
      };
      const ready = await waitUntilReady(child, { port, user, password }, dataDir, deadline);
      if (ready.kind !== "ready") {
        // Stop this attempt without removing the data directory (we may retry on another port).
        await stopProcess(child, "SIGQUIT");
        tracker.clearProcess();
        const log = readLogTail(logFile);
        lastFailure = `${ready.detail ?? ""}\n--- postgres log (${logFile}) ---\n${log}`;
        const portTaken = ready.kind === "foreign" || /address already in use|could not bind/i.test(log);
        if (portTaken && attempt < attempts && Date.now() < deadline) continue;
        throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${lastFailure}`);
      }
      timings.boot = Math.round(performance.now() - tBoot);

      const tDb = performance.now();
      const admin = postgres({
        host: "127.0.0.1",
        port,
        user,
        password,
        database: "postgres",
        max: 1,
        onnotice: () => {},
      });
      try {
        await admin.unsafe(`create database ${quoteIdent(database)}`);
      } catch (err) {
        await stopChild();
        throw err;
      } finally {
        await admin.end({ timeout: 1 }).catch(() => {});
      }
      timings.createDatabase = Math.round(performance.now() - tDb);

      started = true;
      const startupMs = Math.round(performance.now() - t0);
      const server = restartableServer({
        child,
        tracker,
        stopSignal: "SIGQUIT",
        // SIGINT is Postgres's fast shutdown: it checkpoints, so with synchronous_commit off
        // nothing committed is lost (SIGQUIT would drop the WAL still in memory).
        shutdownSignal: "SIGINT",
        spawn: () => spawnServer(bins.postgres, args, { runAs, cwd: baseDir, logFile, env: { LC_ALL: "C" } }),
        waitReady: (next) => waitUntilReady(next, { port, user, password }, dataDir, Date.now() + timeoutMs),
        name: `PostgreSQL on 127.0.0.1:${port}`,
        logFile,
      });
      return {
        engine: "postgres",
        host: "127.0.0.1",
        port,
        user,
        password,
        database,
        url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
        socketPath: baseDir,
        baseDir,
        logFile,
        get pid() {
          return server.pid;
        },
        startupMs,
        timings,
        stop: () => server.stop(),
        shutdown: () => server.shutdown(),
        boot: () => server.boot(),
      };
    }
    throw new Error(`PostgreSQL did not start: ${lastFailure}`);
  } finally {
    if (!started) tracker.release();
  }
}
