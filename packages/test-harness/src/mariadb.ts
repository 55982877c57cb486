// Starts a throwaway MariaDB server (Debian's mariadb-server 10.11) on a free loopback port.

import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import mysql from "mysql2/promise";
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

const APT_PACKAGE = "mariadb-server";

export interface StartMariaDbOptions extends StartServerOptions {
  /** Path to mariadbd/mysqld. Default `$ORRERY_MARIADB_BIN`, then mariadbd or mysqld on PATH or /usr/sbin. */
  serverBinary?: string;
  /** Path to mariadb-install-db/mysql_install_db. Default `$ORRERY_MARIADB_INSTALL_DB`, then PATH. */
  installDbBinary?: string;
  /** Extra `--name=value` server options (without the leading dashes). */
  settings?: Record<string, string | number | boolean>;
}

/** Locates the MariaDB server and its datadir initializer. */
export function findMariaDbBinaries(options: { serverBinary?: string; installDbBinary?: string } = {}): {
  server: string;
  installDb: string;
} {
  const dirs = pathDirs();
  const serverExplicit = options.serverBinary ?? process.env.ORRERY_MARIADB_BIN;
  const installExplicit = options.installDbBinary ?? process.env.ORRERY_MARIADB_INSTALL_DB;
  const server =
    serverExplicit !== undefined
      ? findBinary([serverExplicit], [""], APT_PACKAGE)
      : findBinary(["mariadbd", "mysqld"], dirs, APT_PACKAGE);
  const installDb =
    installExplicit !== undefined
      ? findBinary([installExplicit], [""], APT_PACKAGE)
      : findBinary(["mariadb-install-db", "mysql_install_db"], dirs, APT_PACKAGE);
  return { server, installDb };
}

function sqlString(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

function sqlIdent(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/** SQL run at the end of mariadb-install-db's bootstrap: the test user and database. */
function bootstrapSql(user: string, password: string, database: string): string {
  // Bootstrap runs with grant tables off; FLUSH PRIVILEGES loads them so CREATE USER works.
  const lines = ["FLUSH PRIVILEGES;"];
  for (const host of ["%", "127.0.0.1", "localhost"]) {
    const account = `${sqlString(user)}@${sqlString(host)}`;
    lines.push(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${sqlString(password)};`);
    lines.push(`GRANT ALL PRIVILEGES ON *.* TO ${account} WITH GRANT OPTION;`);
  }
  lines.push(
    `CREATE DATABASE IF NOT EXISTS ${sqlIdent(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
  );
  return `${lines.join("\n")}\n`;
}

/** Options shared by the install step and the server: InnoDB tuned for speed over durability. */
const SPEED_OPTIONS: Record<string, string | number> = {
  "innodb-buffer-pool-size": "32M",
  "innodb-log-file-size": "16M",
  "innodb-flush-log-at-trx-commit": 0,
  "innodb-doublewrite": 0,
  "innodb-flush-method": "nosync",
  "innodb-use-native-aio": 0,
};

function toArgs(options: Record<string, string | number | boolean>): string[] {
  return Object.entries(options).map(([name, value]) => `--${name}=${String(value)}`);
}

interface ReadyCheck {
  kind: "ready" | "exited" | "foreign";
  detail?: string;
}

async function waitUntilReady(
  child: ChildProcess,
  conn: { port: number; user: string; password: string; database: string },
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
    let connection: mysql.Connection | undefined;
    try {
      // Bounded: something else listening on the port might accept and never answer.
      const connecting = mysql.createConnection({
        host: "127.0.0.1",
        port: conn.port,
        user: conn.user,
        password: conn.password,
        database: conn.database,
        connectTimeout: 2000,
      });
      connecting.catch(() => {}); // a late failure after the timeout below must not go unhandled
      connection = await withTimeout(
        Promise.race([connecting, exited]),
        3000,
        `no answer from 127.0.0.1:${conn.port}`,
      );
      const [rows] = await withTimeout(
        connection.query<mysql.RowDataPacket[]>("SELECT @@datadir AS dir"),
        3000,
        `no answer from 127.0.0.1:${conn.port}`,
      );
      const dir = String(rows[0]?.dir ?? "");
      if (dir.replace(/\/$/, "") !== dataDir) {
        return { kind: "foreign", detail: `port ${conn.port} is served from ${dir}` };
      }
      return { kind: "ready" };
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      connection?.destroy();
    }
    await sleep(50);
  }
  return { kind: "exited", detail: `timed out; last connection error: ${lastError}` };
}

/**
 * Starts a fresh MariaDB server in a new temp dir: `mariadb-install-db` (which also creates the
 * user with a real password and the utf8mb4 database), then `mariadbd` on 127.0.0.1 with InnoDB
 * tuned for speed. Running as root, both run as the `mysql` system user.
 */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<DatabaseServer> {
  const t0 = performance.now();
  const user = options.user ?? DEFAULT_USER;
  const password = options.password ?? DEFAULT_PASSWORD;
  const database = options.database ?? DEFAULT_DATABASE;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const attempts = options.port !== undefined ? 1 : (options.portAttempts ?? 5);
  const bins = findMariaDbBinaries(options);
  const runAs: SystemUser | undefined = resolveRunAs("mysql", APT_PACKAGE);

  const baseDir = makeTempDir("orrery-my-", runAs, options.tmpRoot);
  const tracker = trackDir(baseDir);
  const dataDir = join(baseDir, "data");
  const logFile = join(baseDir, "mariadb.log");
  const socketPath = join(baseDir, "mysql.sock");
  const timings: Record<string, number> = {};
  let started = false;
  try {
    const initFile = join(baseDir, "bootstrap.sql");
    writeFileSync(initFile, bootstrapSql(user, password, database), { mode: 0o600 });
    chownIfNeeded(initFile, runAs);
    writeFileSync(logFile, "", { mode: 0o644 });
    chownIfNeeded(logFile, runAs);

    const tInstall = performance.now();
    await runCommand(
      bins.installDb,
      [
        "--no-defaults",
        `--datadir=${dataDir}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        "--skip-name-resolve",
        `--extra-file=${initFile}`,
        // Private tmpdir: the bootstrap's temporary tables must not meet other servers' in /tmp.
        `--tmpdir=${baseDir}`,
        ...toArgs(SPEED_OPTIONS),
      ],
      { runAs, cwd: baseDir, env: { HOME: baseDir }, description: "mariadb-install-db", tracker },
    );
    timings.installDb = Math.round(performance.now() - tInstall);

    const deadline = Date.now() + timeoutMs;
    let lastFailure = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      writeFileSync(logFile, ""); // fresh log per attempt, so failures are judged on this one
      const port = options.port ?? (await getFreePort());
      const args = [
        "--no-defaults",
        ...toArgs({
          datadir: dataDir,
          port,
          "bind-address": "127.0.0.1",
          socket: socketPath,
          "pid-file": join(baseDir, "mariadbd.pid"),
          "log-error": logFile,
          tmpdir: baseDir,
          "skip-name-resolve": 1,
          "skip-log-bin": 1,
          "performance-schema": "OFF",
          "character-set-server": "utf8mb4",
          "collation-server": "utf8mb4_unicode_ci",
          ...SPEED_OPTIONS,
          ...options.settings,
        }),
      ];
      const tBoot = performance.now();
      const child = spawnServer(bins.server, args, { runAs, cwd: baseDir, logFile, env: { HOME: baseDir } });
      if (child.pid === undefined) throw new Error(`could not spawn ${bins.server}`);
      // The data is thrown away, so SIGKILL is the fastest correct shutdown.
      tracker.setProcess(child.pid, "SIGKILL");
      const ready = await waitUntilReady(child, { port, user, password, database }, dataDir, deadline);
      if (ready.kind !== "ready") {
        await stopProcess(child, "SIGKILL");
        tracker.clearProcess();
        const log = readLogTail(logFile);
        lastFailure = `${ready.detail ?? ""}\n--- mariadbd log (${logFile}) ---\n${log}`;
        const portTaken =
          ready.kind === "foreign" || /address already in use|can't start server: bind/i.test(log);
        if (portTaken && attempt < attempts && Date.now() < deadline) continue;
        throw new Error(`MariaDB did not start on 127.0.0.1:${port}: ${lastFailure}`);
      }
      timings.boot = Math.round(performance.now() - tBoot);

      started = true;
      const startupMs = Math.round(performance.now() - t0);
      const server = restartableServer({
        child,
        tracker,
        stopSignal: "SIGKILL",
        // SIGTERM is a clean shutdown: InnoDB writes its log out, so nothing committed is lost
        // (SIGKILL would, with innodb-flush-log-at-trx-commit=0).
        shutdownSignal: "SIGTERM",
        spawn: () => spawnServer(bins.server, args, { runAs, cwd: baseDir, logFile, env: { HOME: baseDir } }),
        waitReady: (next) =>
          waitUntilReady(next, { port, user, password, database }, dataDir, Date.now() + timeoutMs),
        name: `MariaDB on 127.0.0.1:${port}`,
        logFile,
      });
      return {
        engine: "mariadb",
        host: "127.0.0.1",
        port,
        user,
        password,
        database,
        url: `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
        socketPath,
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
    throw new Error(`MariaDB did not start: ${lastFailure}`);
  } finally {
    if (!started) tracker.release();
  }
}
