/** A throwaway database server started by this harness. */
export interface DatabaseServer {
  readonly engine: "postgres" | "mariadb";
  /** Always "127.0.0.1": servers listen on loopback only. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** `postgres://…` or `mysql://…`, with credentials, host, port and database. */
  readonly url: string;
  /** Unix socket path (Postgres: the socket directory; MariaDB: the socket file). */
  readonly socketPath: string;
  /** Temporary directory holding the data directory, logs and socket; removed by `stop()`. */
  readonly baseDir: string;
  /** Server log file (inside `baseDir`). */
  readonly logFile: string;
  /** The server process (a new one after `boot()`). */
  readonly pid: number;
  /** Wall-clock milliseconds from the call to the server accepting authenticated queries. */
  readonly startupMs: number;
  /** Breakdown of `startupMs` by phase (e.g. `initdb`, `boot`, `createDatabase`). */
  readonly timings: Readonly<Record<string, number>>;
  /** Stops the server (fast: the data is thrown away) and removes `baseDir`. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops the server cleanly (Postgres: a fast shutdown; MariaDB: SIGTERM), keeping its data
   * and port, as an operator stopping the service would: what was committed survives. For
   * outage tests; `boot()` starts it again. Idempotent.
   */
  shutdown(): Promise<void>;
  /** Starts a server stopped by `shutdown()` again, on the same port with the same data. */
  boot(): Promise<void>;
}

export interface StartServerOptions {
  /** Database user to create. Default "orrery". */
  user?: string;
  /** Its password (real password authentication is enforced). Default "orrery-test". */
  password?: string;
  /** Database to create. Default "orrery_test". */
  database?: string;
  /** Fixed port. Default: a free loopback port, retried on EADDRINUSE. */
  port?: number;
  /** Give up if the server is not ready after this long. Default 60 000 ms. */
  startTimeoutMs?: number;
  /** Parent directory for the temp dir. Default `$ORRERY_TEST_TMPDIR` or `os.tmpdir()`. */
  tmpRoot?: string;
  /** How many times to retry with a new port when the chosen one was taken. Default 5. */
  portAttempts?: number;
}

export const DEFAULT_USER = "orrery";
export const DEFAULT_PASSWORD = "orrery-test";
export const DEFAULT_DATABASE = "orrery_test";
