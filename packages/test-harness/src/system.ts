// Process, filesystem and port helpers shared by the Postgres and MariaDB launchers.

import { type ChildProcess, spawn } from "node:child_process";
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ENSURE_DEPS_HINT = "run `node scripts/ensure-system-deps.mjs` from the repository root";

/** Thrown when a server binary is not installed; the message says how to install it. */
export class MissingBinaryError extends Error {
  override readonly name = "MissingBinaryError";
  constructor(
    readonly binary: string,
    readonly aptPackage: string,
    searched: readonly string[],
  ) {
    super(
      `${binary} not found (looked in ${searched.join(", ")}). To install it, ${ENSURE_DEPS_HINT} ` +
        `(as root it installs the packages itself), or install the Debian package yourself: ` +
        `\`sudo apt-get install -y --no-install-recommends ${aptPackage}\`.`,
    );
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** The first existing `dir/name` for the given names and directories, or a MissingBinaryError. */
export function findBinary(names: readonly string[], dirs: readonly string[], aptPackage: string): string {
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new MissingBinaryError(names.join(" / "), aptPackage, dirs);
}

/** `$PATH` plus the usual sbin/bin directories, without duplicates. */
export function pathDirs(): string[] {
  const fromPath = (process.env.PATH ?? "").split(":").filter((d) => d.length > 0);
  return [
    ...new Set([...fromPath, "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]),
  ];
}

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

/** Looks a user up in /etc/passwd (Node has no getpwnam). */
export function lookupSystemUser(name: string): SystemUser | undefined {
  let passwd: string;
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return undefined;
  }
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}

/**
 * The unprivileged user to run a server as: undefined when we are not root (run as ourselves),
 * otherwise the named system user (which the Debian server package creates).
 */
export function resolveRunAs(name: string, aptPackage: string): SystemUser | undefined {
  if (!isRoot()) return undefined;
  const user = lookupSystemUser(name);
  if (user === undefined) {
    throw new Error(
      `Running as root, the database server must run as the unprivileged system user "${name}", ` +
        `which does not exist. It is created by the Debian package \`${aptPackage}\`: ${ENSURE_DEPS_HINT}.`,
    );
  }
  return user;
}

/**
 * A fresh, unique temporary directory (mkdtemp), owned by `owner` when given. Kept short because
 * unix socket paths are limited to ~107 bytes.
 */
export function makeTempDir(prefix: string, owner: SystemUser | undefined, root?: string): string {
  let base = root ?? process.env.ORRERY_TEST_TMPDIR ?? tmpdir();
  if (base.length > 60) base = "/tmp";
  const dir = mkdtempSync(join(base, prefix));
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

export function removeDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  } catch {
    // best effort: a leftover temp dir is not worth failing a test run for
  }
}

export function chownIfNeeded(path: string, owner: SystemUser | undefined): void {
  if (owner !== undefined) chownSync(path, owner.uid, owner.gid);
}

/** A free TCP port on 127.0.0.1 (bind to port 0 and release it). Callers retry on EADDRINUSE. */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not determine a free port"));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a command to completion, capturing stdout+stderr; rejects with the output when it fails. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: {
    runAs: SystemUser | undefined;
    cwd: string;
    env?: NodeJS.ProcessEnv;
    description: string;
    /** Tracks the running command so it is killed if this process is interrupted. */
    tracker?: DirTracker;
  },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    });
    if (child.pid !== undefined) options.tracker?.setProcess(child.pid, "SIGKILL");
    let output = "";
    const append = (chunk: Buffer) => {
      output += chunk.toString("utf8");
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    child.once("error", (err) =>
      reject(new Error(`${options.description}: could not run ${command}: ${err.message}`)),
    );
    child.once("close", (code, signal) => {
      options.tracker?.clearProcess();
      const result = { code, signal, output };
      if (code === 0) resolve(result);
      else
        reject(
          new Error(
            `${options.description} failed (${command} exited with ${code ?? signal}):\n${tail(output, 4000)}`,
          ),
        );
    });
  });
}

export function tail(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars)}`;
}

export function readLogTail(path: string, maxChars = 4000): string {
  try {
    return tail(readFileSync(path, "utf8"), maxChars);
  } catch {
    return "(no log)";
  }
}

/** Spawns a long-running server process detached into its own process group, logging to a file. */
export function spawnServer(
  command: string,
  args: readonly string[],
  options: { runAs: SystemUser | undefined; cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): ChildProcess {
  const logFd = openSync(options.logFile, "a");
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", logFd, logFd],
      detached: true,
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    });
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** Waits (asynchronously) until the child exits, up to `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.removeListener("exit", onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once("exit", onExit);
  });
}

// ---------------------------------------------------------------------------------------------
// Cleanup. Every temp dir is tracked from the moment it exists, together with the process
// currently working in it (initdb, then the server). Process exit, Ctrl-C, SIGTERM and SIGHUP
// stop that process and remove the dir synchronously; if this process is SIGKILLed, a tiny
// detached watchdog shell does the same as soon as it notices its parent is gone.

const PID_FILE = ".orrery-harness-pid";

interface TrackedDir {
  dir: string;
  pid: number | undefined;
  stopSignal: NodeJS.Signals;
  watchdogPid: number | undefined;
}

const tracked = new Map<string, TrackedDir>();
let handlersInstalled = false;

function stopTrackedSync(entry: TrackedDir): void {
  const { pid } = entry;
  if (pid !== undefined && isAlive(pid)) {
    trySignal(pid, entry.stopSignal);
    const deadline = Date.now() + 3000;
    while (isAlive(pid) && Date.now() < deadline) sleepSync(20);
    if (isAlive(pid)) {
      trySignal(pid, "SIGKILL");
      const killDeadline = Date.now() + 1000;
      while (isAlive(pid) && Date.now() < killDeadline) sleepSync(20);
    }
  }
  if (entry.watchdogPid !== undefined) trySignal(entry.watchdogPid, "SIGKILL");
  removeDirSync(entry.dir);
}

/** Synchronously stops every server this process started and removes their temp dirs. */
export function stopAllServersSync(): void {
  for (const entry of tracked.values()) stopTrackedSync(entry);
  tracked.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once("exit", stopAllServersSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = () => {
      stopAllServersSync();
      // If nobody else handles this signal, restore the default behaviour (terminate).
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, handler);
  }
}

const WATCHDOG_SCRIPT = [
  'parent="$1"; dir="$2"; pidfile="$2/$3"',
  // A zombie (exited, not yet reaped) still answers kill -0, so read the /proc state instead.
  'alive() { st=$(cut -d" " -f3 "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ] && [ "$st" != X ]; }',
  'while alive "$parent"; do sleep 1; done',
  'if [ -f "$pidfile" ] && read -r pid sig < "$pidfile" && [ -n "$pid" ]; then',
  '  kill -"$sig" "$pid" 2>/dev/null',
  '  i=0; while alive "$pid" && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done',
  '  alive "$pid" && kill -9 "$pid" 2>/dev/null',
  "fi",
  'rm -rf "$dir"',
].join("\n");

/** Cleanup handle for one temp dir and the process working in it. */
export interface DirTracker {
  readonly dir: string;
  /** Records the process now working in the dir and how to stop it. */
  setProcess(pid: number, stopSignal: NodeJS.Signals): void;
  /** Forgets the process (it has exited). */
  clearProcess(): void;
  /** Removes the dir and stops watching it. Stop the process first. Idempotent. */
  release(): void;
}

/** Tracks a freshly created temp dir for cleanup (see above). */
export function trackDir(dir: string): DirTracker {
  installHandlers();
  let watchdogPid: number | undefined;
  try {
    const watchdog = spawn(
      "/bin/sh",
      ["-c", WATCHDOG_SCRIPT, "orrery-db-watchdog", String(process.pid), dir, PID_FILE],
      { detached: true, stdio: "ignore" },
    );
    watchdog.on("error", () => {});
    watchdog.unref();
    watchdogPid = watchdog.pid;
  } catch {
    watchdogPid = undefined; // the in-process handlers still clean up on normal exit and signals
  }
  const entry: TrackedDir = { dir, pid: undefined, stopSignal: "SIGKILL", watchdogPid };
  tracked.set(dir, entry);
  const pidFile = join(dir, PID_FILE);
  return {
    dir,
    setProcess(pid, stopSignal) {
      entry.pid = pid;
      entry.stopSignal = stopSignal;
      try {
        writeFileSync(pidFile, `${pid} ${stopSignal.replace(/^SIG/, "")}\n`);
      } catch {
        // the dir is gone: nothing left for the watchdog to do
      }
    },
    clearProcess() {
      entry.pid = undefined;
      rmSync(pidFile, { force: true });
    },
    release() {
      if (!tracked.has(dir)) return;
      tracked.delete(dir);
      if (entry.watchdogPid !== undefined) trySignal(entry.watchdogPid, "SIGKILL");
      removeDirSync(dir);
    },
  };
}

/** Stops a server child: `stopSignal`, then SIGKILL after `graceMs`. Resolves once it exited. */
export async function stopProcess(
  child: ChildProcess,
  stopSignal: NodeJS.Signals,
  graceMs = 5000,
): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null || !isAlive(pid)) return;
  trySignal(pid, stopSignal);
  if (!(await waitForExit(child, graceMs))) {
    trySignal(pid, "SIGKILL");
    await waitForExit(child, 2000);
  }
}

/** Rejects with `message` if `promise` has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A promise that rejects when `child` exits: race probes against it to notice a crash at once. */
export function rejectOnExit(child: ChildProcess): Promise<never> {
  const exited = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error(`process ${child.pid} exited`));
    if (child.exitCode !== null || child.signalCode !== null) fail();
    else child.once("exit", fail);
  });
  exited.catch(() => {}); // only ever observed through Promise.race
  return exited;
}
