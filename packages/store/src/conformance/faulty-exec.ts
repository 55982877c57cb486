import {
  type BatchStatement,
  NotSentError,
  type SqlExec,
  type SqlResult,
  type SqlStatement,
} from "../sql/sql-exec";

/**
 * Wraps a real exec to fail the way networks do: a batch whose COMMIT lands but whose reply
 * is lost, a batch that never reaches the database, and a database that stays unreachable.
 * The statements that do run, run on the real engine.
 */
export class FaultyExec implements SqlExec {
  private nextBatch: "runs" | "reply lost" | "never sent" | "said not sent" = "runs";
  private downAfterReply = false;
  /** While true, every call fails as a dead connection would. */
  down = false;

  constructor(private readonly inner: SqlExec) {}

  get engine() {
    return this.inner.engine;
  }

  get dialect() {
    return this.inner.dialect;
  }

  /** The next batch commits, then its caller gets a connection error; `thenDown` keeps the database unreachable. */
  loseNextReply(options: { thenDown: boolean }): void {
    this.nextBatch = "reply lost";
    this.downAfterReply = options.thenDown;
  }

  /**
   * The next batch fails with a connection error before reaching the database; with
   * `saysSo`, the exec knows it and says so ({@link NotSentError}), as one that could not
   * connect does.
   */
  failNextBatch(options: { saysSo?: boolean } = {}): void {
    this.nextBatch = options.saysSo ? "said not sent" : "never sent";
  }

  async run(statement: SqlStatement): Promise<SqlResult> {
    if (this.down) throw connectionError();
    return this.inner.run(statement);
  }

  async batch(statements: readonly BatchStatement[]): Promise<SqlResult[]> {
    if (this.down) throw connectionError();
    const fault = this.nextBatch;
    this.nextBatch = "runs";
    if (fault === "never sent") throw connectionError();
    if (fault === "said not sent") throw new NotSentError("could not connect", { cause: connectionError() });
    const results = await this.inner.batch(statements);
    if (fault === "reply lost") {
      this.down = this.downAfterReply;
      throw connectionError();
    }
    return results;
  }
}

function connectionError(): Error {
  return Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" });
}
