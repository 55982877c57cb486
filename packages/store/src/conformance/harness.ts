import type { RetryPolicy } from "../commit/retry-policy";
import type { SqlExec } from "../sql/sql-exec";
import { Store } from "../store";
import { type ConformanceSchema, conformanceSchema } from "./schema";

/** What an engine gives each case: a fresh, empty database space with the conformance tables. */
export interface EngineFixture {
  /** Home engine: plain tables and the commit log. */
  readonly exec: SqlExec;
  /** Where `.global()` tables live, when not home. */
  readonly globalExec?: SqlExec;
  /**
   * A writer outside the store (another service, `psql`). On SQLite engines it may share the
   * connection; on Postgres and MySQL it is a separate connection.
   */
  readonly external: SqlExec;
  /** The outside writer for `.global()` tables, when they live elsewhere. */
  readonly externalGlobal?: SqlExec;
}

export interface StoreEngine {
  readonly name: string;
  /** True when `.global()` tables live in another engine than home (`fixture.globalExec`). */
  readonly crossEngine?: boolean;
  /** Runs `body` against a fresh database space that has the conformance schema and system tables. */
  withDatabase(body: (fixture: EngineFixture) => Promise<void>): Promise<void>;
}

export interface CaseContext {
  readonly fixture: EngineFixture;
  open(options?: {
    namespace?: string;
    retry?: Partial<RetryPolicy>;
    useGlobalExec?: boolean;
    /** Replaces the execs the store is given (e.g. with a {@link FaultyExec}). */
    exec?: SqlExec;
    globalExec?: SqlExec;
    commitLogRetention?: number;
  }): Promise<Store<ConformanceSchema>>;
  /** Raises `_version` of a row directly, as an external writer would. */
  bumpVersion(table: string, id: string): Promise<void>;
}

export interface ConformanceCase {
  readonly name: string;
  /** Runs only on engines whose `.global()` tables live apart from home ({@link StoreEngine.crossEngine}). */
  readonly crossEngine?: boolean;
  readonly run: (context: CaseContext) => Promise<void>;
}

let namespaceCounter = 0;

export function caseContext(fixture: EngineFixture): CaseContext {
  return {
    fixture,
    open: (options = {}) =>
      Store.open({
        schema: conformanceSchema,
        namespace: options.namespace ?? `ns-${Date.now()}-${namespaceCounter++}`,
        exec: options.exec ?? fixture.exec,
        ...(options.globalExec || fixture.globalExec
          ? { globalExec: options.globalExec ?? fixture.globalExec }
          : {}),
        retry: { baseDelayMs: 1, maxDelayMs: 5, ...options.retry },
        ...(options.commitLogRetention === undefined
          ? {}
          : { commitLogRetention: options.commitLogRetention }),
      }),
    async bumpVersion(table, id) {
      const isGlobal =
        conformanceSchema.tables[table as keyof ConformanceSchema["tables"]]?.isGlobal ?? false;
      const external = (isGlobal && fixture.externalGlobal) || fixture.external;
      const { dialect } = external;
      const q = dialect.quote;
      await external.run({
        sql: `UPDATE ${q(table)} SET ${q("_version")} = ${q("_version")} + 1 WHERE ${q("_id")} = ${dialect.placeholder(1)}`,
        params: [id],
      });
    },
  };
}
