import { OrreryError } from "@orrery/protocol";
import type { Engine, SqlValue } from "@orrery/schema";
import type { Dialect } from "./dialect";

export type SqlRow = Record<string, unknown>;

export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/**
 * A statement inside an atomic batch. `expectAffected` turns it into an OCC guard: when the
 * engine reports another affected-row count, the whole batch is rolled back.
 */
export interface BatchStatement extends SqlStatement {
  readonly expectAffected?: number;
}

export interface SqlResult {
  readonly rows: SqlRow[];
  /**
   * Rows the statement changed: 0 for a read. Exact for a write run alone and for a guarded
   * statement of a batch; an engine whose count costs a round of its own may report NaN (not
   * counted) for an unguarded write in a batch.
   */
  readonly rowsAffected: number;
}

/**
 * The one interface an engine must meet. Reads run one statement at a time; a commit is a
 * batch that applies completely or not at all.
 *
 * Why a batch and not `transaction(async fn)`: a Durable Object's SQLite commits only through
 * `transactionSync`, whose callback cannot await. A commit plan that is computed up front
 * runs unchanged on DO SQLite, D1 (`batch`), and one Postgres/MySQL connection.
 */
export interface SqlExec {
  readonly engine: Engine;
  readonly dialect: Dialect;
  run(statement: SqlStatement): Promise<SqlResult>;
  /** Runs all statements atomically; throws {@link GuardFailedError} when a guard misses. */
  batch(statements: readonly BatchStatement[]): Promise<SqlResult[]>;
}

/** A batch guard matched another row count than expected; nothing in the batch was applied. */
export class GuardFailedError extends Error {
  constructor(
    readonly statementIndex: number,
    readonly rowsAffected: number,
  ) {
    super(`guard at statement ${statementIndex} matched ${rowsAffected} rows`);
    this.name = "GuardFailedError";
  }
}

/**
 * An exec's word that a batch never reached the database (no connection could be made), so
 * nothing of it can have landed. Any other failure of a batch leaves its outcome open, and
 * the store settles it (see the store README, "Commits across two engines").
 */
export class NotSentError extends OrreryError {
  constructor(message: string, options?: { cause?: unknown; code?: OrreryError["code"] }) {
    super(options?.code ?? "UNAVAILABLE", message);
    this.name = "NotSentError";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
