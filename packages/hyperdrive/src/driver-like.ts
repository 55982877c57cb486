/*
 * The few members of each driver this package calls, as structural types: the drivers stay
 * optional peer dependencies and nothing here imports them.
 */

/** A postgres.js result: the rows, plus `count` (rows returned or affected). */
export interface PostgresJsResult extends ReadonlyArray<Record<string, unknown>> {
  readonly count: number | null;
}

/** A postgres.js `Sql` (or a transaction's `sql`): `postgres(url)`. */
export interface PostgresJsLike {
  unsafe(
    query: string,
    parameters?: unknown[],
    options?: { prepare?: boolean },
  ): PromiseLike<PostgresJsResult>;
}

/** A postgres.js `Sql` that can open a transaction on one reserved connection. */
export interface PostgresJsSqlLike extends PostgresJsLike {
  begin(body: (transaction: PostgresJsLike) => Promise<unknown>): PromiseLike<unknown>;
}

export interface NodePgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** A node-postgres `Client`, `Pool` or pooled client: `new pg.Pool({ connectionString })`. */
export interface NodePgLike {
  query(text: string, values?: unknown[]): Promise<NodePgResult>;
}

/**
 * A client checked out of a node-postgres `Pool`. While checked out, the pool no longer
 * listens for its `error` event, so whoever holds it must.
 */
export interface NodePgPoolClientLike extends NodePgLike {
  release(destroy?: boolean | Error): void;
  on(event: "error", listener: (error: Error) => void): unknown;
  removeListener(event: "error", listener: (error: Error) => void): unknown;
}

/** A node-postgres `Pool`: `connect()` checks a client out. */
export interface NodePgPoolLike extends NodePgLike {
  connect(): Promise<NodePgPoolClientLike>;
  readonly totalCount: number;
}

/** A mysql2/promise `Connection`, `Pool` or `PoolConnection`. `[rows]` or `[header]` come back. */
export interface Mysql2Like {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

/** The column description mysql2 hands a `typeCast` function. */
export interface Mysql2FieldLike {
  readonly type: string;
  readonly extendedFormat?: string | undefined;
  string(encoding?: string): string | null;
}

/** The options form of mysql2's `query`, with the per-query settings the exec uses. */
export interface Mysql2QueryOptions {
  sql: string;
  values?: unknown[];
  supportBigNumbers?: boolean;
  bigNumberStrings?: boolean;
  typeCast?: (field: Mysql2FieldLike, next: () => unknown) => unknown;
}

/** One mysql2/promise connection that can run a transaction: `mysql.createConnection(...)`. */
export interface Mysql2ConnectionLike {
  query(options: Mysql2QueryOptions): Promise<[unknown, unknown]>;
  beginTransaction(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** A connection checked out of a mysql2/promise pool. */
export interface Mysql2PoolConnectionLike extends Mysql2ConnectionLike {
  release(): void;
  destroy(): void;
}

/** A mysql2/promise `Pool`: `mysql.createPool(...)`. */
export interface Mysql2PoolLike {
  query(options: Mysql2QueryOptions): Promise<[unknown, unknown]>;
  getConnection(): Promise<Mysql2PoolConnectionLike>;
}
