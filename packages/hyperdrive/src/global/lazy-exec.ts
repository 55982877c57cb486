import type { ExternalEngine } from "@orrery/schema";
import {
  type BatchStatement,
  type Dialect,
  GuardFailedError,
  mysqlDialect,
  NotSentError,
  OrreryError,
  postgresDialect,
  type SqlExec,
  type SqlResult,
  type SqlStatement,
} from "@orrery/store";

/** What one build of a {@link lazyExec} yields: the exec, anything else built with it, and how to let it go. */
export interface LazyBuild<T> {
  readonly exec: SqlExec;
  /** Built along with the exec and dropped with it (e.g. the driver client, for `ctx.sql`). */
  readonly value: T;
  /**
   * Called (and not awaited) when the build is dropped after a connection error. Leave it out
   * where closing is harmful: postgres.js's `sql.end()` inside workerd rejects unhandled.
   */
  readonly dispose?: () => void | Promise<void>;
}

export interface LazyExecOptions<T> {
  /** The engine the builds will run; fixes `engine` and `dialect` before anything is built. */
  readonly engine: ExternalEngine;
  /**
   * Connects: builds the driver and its exec, and ensures the tables (`ensureTables`) or checks
   * the database's migrations. Called on first use and again on the first use after a
   * connection error dropped the last build, or after a build failed (it is not kept).
   */
  readonly build: () => Promise<LazyBuild<T>>;
  /** Names the database in errors, e.g. `Postgres (Hyperdrive binding "HYPERDRIVE_PG")`. */
  readonly label: string;
  /** Which errors mean the connection is broken. Default {@link isConnectionError}. */
  readonly isConnectionError?: (error: unknown) => boolean;
  /**
   * Drops (and disposes) the build once nothing has used it for this long, so no socket stays
   * open while idle: a Durable Object holding a socket cannot hibernate. The next use builds
   * again. Leave it out for drivers that close idle connections themselves.
   */
  readonly idleTimeoutMs?: number;
}

/**
 * A {@link SqlExec} that builds its driver on first use, keeps it, and builds a new one after a
 * connection error: the shape a Durable Object needs, since its instance (and every socket)
 * is gone after hibernation, and a database restart breaks the sockets it holds.
 */
export interface LazyExec<T = undefined> extends SqlExec {
  /**
   * Runs `work` with the current build's value (building it first if needed). A connection
   * error drops the build, like a failed statement does, and rejects as `UNAVAILABLE`.
   */
  use<R>(work: (value: T) => Promise<R>): Promise<R>;
  /** Drops the current build; the next use builds a new one. */
  reset(): void;
  /** How many builds have succeeded so far. */
  readonly builds: number;
}

const PG_CONNECTION_CLASSES = /^(08|57P0[1-3])/;

/**
 * True unless the error is clearly a verdict on one statement with the connection still fine:
 * an OCC guard miss, an {@link OrreryError}, a Postgres server error (SQLSTATE outside class 08
 * and the shutdown codes 57P01–57P03), or a MySQL server error that mysql2 does not mark
 * `fatal`. Anything else (socket errors, timeouts, `CONNECTION_CLOSED`, `PROTOCOL_CONNECTION_LOST`,
 * errors without a code) counts as a broken connection: rebuilding is cheap, and keeping a dead
 * client would fail every later call.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof GuardFailedError || error instanceof OrreryError) return false;
  if (error === null || typeof error !== "object") return true;
  const { code, fatal, severity, sqlState } = error as {
    code?: unknown;
    fatal?: unknown;
    severity?: unknown;
    sqlState?: unknown;
  };
  if (fatal === true) return true;
  // mysql2 server errors carry a SQL state; Postgres server errors a severity and a SQLSTATE.
  if (typeof sqlState === "string") return false;
  if (typeof severity === "string" && typeof code === "string") return PG_CONNECTION_CLASSES.test(code);
  return true;
}

/**
 * Failures to open a connection, which happen before a statement is sent: a batch that fails
 * so cannot have landed. A reset or closed connection may have lost a reply instead.
 */
const NOT_CONNECTED_CODES = new Set([
  "CONNECT_TIMEOUT",
  // @orrery/cloudflare's workerd socket for postgres.js: the TCP connection never opened.
  "CONNECT_FAILED",
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // Postgres refusing the session at startup, before any statement: "the database system is
  // shutting down / starting up" (57P03), a connection it could not establish or rejected.
  "57P03",
  "08001",
  "08004",
]);

export function isNotConnected(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  if (typeof code !== "string") return false;
  // mysql2's connect timeout is ETIMEDOUT with syscall "connect"; a read timeout is not.
  return NOT_CONNECTED_CODES.has(code) || (code === "ETIMEDOUT" && syscall === "connect");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Builds a {@link LazyExec}. Nothing connects until the first statement or `use`. */
export function lazyExec<T = undefined>(options: LazyExecOptions<T>): LazyExec<T> {
  const isBroken = options.isConnectionError ?? isConnectionError;
  const dialect: Dialect = options.engine === "postgres" ? postgresDialect : mysqlDialect;
  let current: Promise<LazyBuild<T>> | null = null;
  let builds = 0;
  let active = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const busy = () => {
    active++;
    clearTimeout(idleTimer);
    idleTimer = undefined;
  };
  const done = () => {
    active--;
    const idleMs = options.idleTimeoutMs;
    if (active > 0 || idleMs === undefined) return;
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (active === 0 && current) drop(current);
    }, idleMs);
  };

  const unavailable = (error: unknown, sent: boolean) => {
    const message = `${options.label} is unavailable: ${messageOf(error)}`;
    // Whether a failed commit that was sent wrote anything is for the store to settle.
    if (!sent) return new NotSentError(message, { cause: error });
    const wrapped = new OrreryError("UNAVAILABLE", message);
    wrapped.cause = error;
    return wrapped;
  };

  const drop = (build: Promise<LazyBuild<T>>) => {
    if (current !== build) return;
    current = null;
    build.then(
      (built) => {
        void Promise.resolve()
          .then(() => built.dispose?.())
          .catch(() => undefined);
      },
      () => undefined,
    );
  };

  const acquire = (): Promise<LazyBuild<T>> => {
    if (current) return current;
    const build = options.build().then((built) => {
      builds++;
      return built;
    });
    current = build;
    // A failed build is not kept: the next use tries again.
    build.catch(() => {
      if (current === build) current = null;
    });
    return build;
  };

  async function use<R>(work: (built: LazyBuild<T>) => Promise<R>): Promise<R> {
    busy();
    try {
      return await useBuild(work);
    } finally {
      done();
    }
  }

  async function useBuild<R>(work: (built: LazyBuild<T>) => Promise<R>): Promise<R> {
    const build = acquire();
    let built: LazyBuild<T>;
    try {
      built = await build;
    } catch (error) {
      // No build, no statement sent: whatever failed it (a dead server, a database behind its
      // migrations, a refused connection flag), nothing of this batch can have landed.
      if (isBroken(error)) throw unavailable(error, false);
      if (error instanceof OrreryError)
        throw new NotSentError(error.message, { cause: error, code: error.code });
      throw new NotSentError(messageOf(error), { cause: error, code: "INTERNAL" });
    }
    try {
      return await work(built);
    } catch (error) {
      if (!isBroken(error)) throw error;
      drop(build);
      throw unavailable(error, !isNotConnected(error));
    }
  }

  return {
    engine: options.engine,
    dialect,
    run: (statement: SqlStatement): Promise<SqlResult> => use((built) => built.exec.run(statement)),
    batch: (statements: readonly BatchStatement[]): Promise<SqlResult[]> =>
      use((built) => built.exec.batch(statements)),
    use: (work) => use((built) => work(built.value)),
    reset() {
      if (current) drop(current);
    },
    get builds() {
      return builds;
    },
  };
}
