import { SYSTEM_TABLES } from "@orrery/schema";
import type { WriteOperation } from "../db/pending-writes";
import { placeholders } from "../sql/dialect";
import type { BatchStatement, SqlExec } from "../sql/sql-exec";

export interface CommitLogEntry {
  readonly version: number;
  readonly table: string;
  readonly id: string;
  readonly operation: WriteOperation;
  readonly committedAt: number;
}

const VERSION_KEY = "commit_version";

const META = SYSTEM_TABLES.meta;
const COMMITS = SYSTEM_TABLES.commits;
const m = META.columns;
const c = COMMITS.columns;
const COMMIT_COLUMNS = [c.namespace, c.version, c.seq, c.tableName, c.docId, c.op, c.committedAt];

/**
 * The namespace's commit counter and log, kept in the store's home engine (the Durable
 * Object's SQLite in production). Each commit's rows are written in the same batch as the
 * commit's writes to that engine, and the counter update is itself guarded.
 */
export class CommitLog {
  // Built once: every commit runs the first two.
  private readonly advanceSql: string;
  private readonly appendSql: string;
  private readonly storedSql: string;

  constructor(
    private readonly exec: SqlExec,
    private readonly namespace: string,
  ) {
    const { dialect } = exec;
    const q = dialect.quote;
    this.advanceSql = `UPDATE ${q(META.name)} SET ${q(m.value)} = ${dialect.placeholder(1)} WHERE ${q(m.namespace)} = ${dialect.placeholder(2)} AND ${q(m.key)} = ${dialect.placeholder(3)} AND ${q(m.value)} = ${dialect.placeholder(4)}`;
    this.appendSql = `INSERT INTO ${q(COMMITS.name)} (${COMMIT_COLUMNS.map(q).join(", ")}) VALUES (${placeholders(dialect, COMMIT_COLUMNS.length)})`;
    this.storedSql = `SELECT ${q(m.value)} FROM ${q(META.name)} WHERE ${q(m.namespace)} = ${dialect.placeholder(1)} AND ${q(m.key)} = ${dialect.placeholder(2)}`;
  }

  /** The counter, created at 0 when the namespace has none yet. */
  async currentVersion(): Promise<number> {
    const { dialect } = this.exec;
    await this.exec.run({
      sql: dialect.insertIgnore(META.name, [m.namespace, m.key, m.value], [m.namespace, m.key]),
      params: [this.namespace, VERSION_KEY, "0"],
    });
    return this.storedVersion();
  }

  /** The counter as stored (0 when there is none): one read, for a check before a commit. */
  async storedVersion(): Promise<number> {
    const { rows } = await this.exec.run({
      sql: this.storedSql,
      params: [this.namespace, VERSION_KEY],
    });
    return Number(rows[0]?.[m.value] ?? 0);
  }

  /** Statements that advance the counter from `from` to `from + 1` and record the entries. */
  appendStatements(from: number, entries: readonly Omit<CommitLogEntry, "version">[]): BatchStatement[] {
    const version = from + 1;
    const statements: BatchStatement[] = [
      {
        sql: this.advanceSql,
        params: [String(version), this.namespace, VERSION_KEY, String(from)],
        expectAffected: 1,
      },
    ];
    entries.forEach((entry, seq) => {
      statements.push({
        sql: this.appendSql,
        params: [this.namespace, version, seq, entry.table, entry.id, entry.operation, entry.committedAt],
      });
    });
    return statements;
  }

  /** Deletes the entries of versions up to `upTo`: run in a commit's batch to bound the log. */
  pruneStatement(upTo: number): BatchStatement {
    const { dialect } = this.exec;
    const q = dialect.quote;
    return {
      sql: `DELETE FROM ${q(COMMITS.name)} WHERE ${q(c.namespace)} = ${dialect.placeholder(1)} AND ${q(c.version)} <= ${dialect.placeholder(2)}`,
      params: [this.namespace, upTo],
    };
  }

  /**
   * Entries of commits after `version`, oldest first. Only the last `commitLogRetention`
   * versions are kept: asking from further back gets what is left.
   */
  async since(version: number, limit = 1000): Promise<CommitLogEntry[]> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const { rows } = await this.exec.run({
      sql: `SELECT ${[c.version, c.tableName, c.docId, c.op, c.committedAt].map(q).join(", ")} FROM ${q(COMMITS.name)} WHERE ${q(c.namespace)} = ${dialect.placeholder(1)} AND ${q(c.version)} > ${dialect.placeholder(2)} ORDER BY ${q(c.version)}, ${q(c.seq)} LIMIT ${Math.floor(limit)}`,
      params: [this.namespace, version],
    });
    return rows.map((row) => ({
      version: Number(row[c.version]),
      table: String(row[c.tableName]),
      id: String(row[c.docId]),
      operation: String(row[c.op]) as WriteOperation,
      committedAt: Number(row[c.committedAt]),
    }));
  }
}
