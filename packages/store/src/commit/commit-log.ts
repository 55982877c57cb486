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

/**
 * The namespace's commit counter and log, kept in the store's home engine (the Durable
 * Object's SQLite in production). Each commit's rows are written in the same batch as the
 * commit's writes to that engine, and the counter update is itself guarded.
 */
export class CommitLog {
  constructor(
    private readonly exec: SqlExec,
    private readonly namespace: string,
  ) {}

  async currentVersion(): Promise<number> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    await this.exec.run({
      sql: dialect.insertIgnore("_orrery_meta", ["namespace", "key", "value"], ["namespace", "key"]),
      params: [this.namespace, VERSION_KEY, "0"],
    });
    const { rows } = await this.exec.run({
      sql: `SELECT ${q("value")} FROM ${q("_orrery_meta")} WHERE ${q("namespace")} = ${dialect.placeholder(1)} AND ${q("key")} = ${dialect.placeholder(2)}`,
      params: [this.namespace, VERSION_KEY],
    });
    return Number(rows[0]?.value ?? 0);
  }

  /** Statements that advance the counter from `from` to `from + 1` and record the entries. */
  appendStatements(from: number, entries: readonly Omit<CommitLogEntry, "version">[]): BatchStatement[] {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const version = from + 1;
    const statements: BatchStatement[] = [
      {
        sql: `UPDATE ${q("_orrery_meta")} SET ${q("value")} = ${dialect.placeholder(1)} WHERE ${q("namespace")} = ${dialect.placeholder(2)} AND ${q("key")} = ${dialect.placeholder(3)} AND ${q("value")} = ${dialect.placeholder(4)}`,
        params: [String(version), this.namespace, VERSION_KEY, String(from)],
        expectAffected: 1,
      },
    ];
    const columns = ["namespace", "version", "seq", "table_name", "doc_id", "op", "committed_at"];
    entries.forEach((entry, seq) => {
      statements.push({
        sql: `INSERT INTO ${q("_orrery_commits")} (${columns.map(q).join(", ")}) VALUES (${placeholders(dialect, columns.length)})`,
        params: [this.namespace, version, seq, entry.table, entry.id, entry.operation, entry.committedAt],
      });
    });
    return statements;
  }

  /** Deletes the entries of versions up to `upTo`: run in each commit's batch to bound the log. */
  pruneStatement(upTo: number): BatchStatement {
    const { dialect } = this.exec;
    const q = dialect.quote;
    return {
      sql: `DELETE FROM ${q("_orrery_commits")} WHERE ${q("namespace")} = ${dialect.placeholder(1)} AND ${q("version")} <= ${dialect.placeholder(2)}`,
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
      sql: `SELECT ${q("version")}, ${q("table_name")}, ${q("doc_id")}, ${q("op")}, ${q("committed_at")} FROM ${q("_orrery_commits")} WHERE ${q("namespace")} = ${dialect.placeholder(1)} AND ${q("version")} > ${dialect.placeholder(2)} ORDER BY ${q("version")}, ${q("seq")} LIMIT ${Math.floor(limit)}`,
      params: [this.namespace, version],
    });
    return rows.map((row) => ({
      version: Number(row.version),
      table: String(row.table_name),
      id: String(row.doc_id),
      operation: String(row.op) as WriteOperation,
      committedAt: Number(row.committed_at),
    }));
  }
}
