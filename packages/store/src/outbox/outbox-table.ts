import type { WireValue } from "@orrery/protocol";
import { SYSTEM_TABLES } from "@orrery/schema";
import { placeholders } from "../sql/dialect";
import type { BatchStatement, SqlExec, SqlRow } from "../sql/sql-exec";
import type { OutboxEnvelope, OutboxMessage } from "./outbox-message";

const o = SYSTEM_TABLES.outbox.columns;
const COLUMNS = [o.namespace, o.id, o.topic, o.payload, o.commitVersion, o.seq, o.createdAt];

/**
 * One outbox table: the home one (`_orrery_outbox`, in the namespace's Durable Object) or the
 * external one (`_orrery_global_outbox`, beside `.global()` tables, shared by every namespace).
 * Both have the same columns. Messages are read in the order they are sent in: by namespace,
 * then the commit that wrote them, then their place in it.
 */
export class OutboxTable {
  private readonly name: string;

  constructor(
    private readonly exec: SqlExec,
    side: "home" | "global",
  ) {
    this.name = side === "home" ? SYSTEM_TABLES.outbox.name : SYSTEM_TABLES.globalOutbox.name;
  }

  /** Statements that write a commit's messages, for that commit's batch. */
  insertStatements(
    namespace: string,
    commitVersion: number,
    messages: readonly OutboxMessage[],
    now: number,
  ): BatchStatement[] {
    const { dialect } = this.exec;
    const q = dialect.quote;
    return messages.map((message, seq) => ({
      sql: `INSERT INTO ${q(this.name)} (${COLUMNS.map(q).join(", ")}) VALUES (${placeholders(dialect, COLUMNS.length)})`,
      params: [namespace, message.id, message.topic, message.payload, commitVersion, seq, now],
    }));
  }

  /** The oldest unsent messages, in send order; of one namespace, or of all (the external outbox). */
  async unsent(limit: number, namespace?: string): Promise<OutboxEnvelope[]> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const columns = [...COLUMNS].map(q).join(", ");
    const where = namespace === undefined ? "" : ` AND ${q(o.namespace)} = ${dialect.placeholder(1)}`;
    const order = [o.namespace, o.commitVersion, o.seq].map(q).join(", ");
    const { rows } = await this.exec.run({
      sql: `SELECT ${columns} FROM ${q(this.name)} WHERE ${q(o.sentAt)} IS NULL${where} ORDER BY ${order} LIMIT ${Math.floor(limit)}`,
      params: namespace === undefined ? [] : [namespace],
    });
    return rows.map(envelopeOf);
  }

  /** Marks messages sent, atomically. */
  async markSent(messages: readonly OutboxEnvelope[], now: number): Promise<void> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const byNamespace = new Map<string, string[]>();
    for (const message of messages) {
      const ids = byNamespace.get(message.namespace) ?? [];
      ids.push(message.id);
      byNamespace.set(message.namespace, ids);
    }
    const statements: BatchStatement[] = [...byNamespace].map(([namespace, ids]) => ({
      sql: `UPDATE ${q(this.name)} SET ${q(o.sentAt)} = ${dialect.placeholder(1)} WHERE ${q(o.namespace)} = ${dialect.placeholder(2)} AND ${q(o.id)} IN (${placeholders(dialect, ids.length, 3)})`,
      params: [now, namespace, ...ids],
    }));
    if (statements.length > 0) await this.exec.batch(statements);
  }

  /** Deletes messages sent before `sentBefore`; of one namespace, or of all. */
  async prune(sentBefore: number, namespace?: string): Promise<number> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const where = namespace === undefined ? "" : ` AND ${q(o.namespace)} = ${dialect.placeholder(2)}`;
    const { rowsAffected } = await this.exec.run({
      sql: `DELETE FROM ${q(this.name)} WHERE ${q(o.sentAt)} < ${dialect.placeholder(1)}${where}`,
      params: namespace === undefined ? [sentBefore] : [sentBefore, namespace],
    });
    return rowsAffected;
  }

  /** Whether any message waits, and when the oldest sent one was sent (for the next prune). */
  async state(namespace: string): Promise<{ unsent: boolean; oldestSentAt: number | null }> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const { rows } = await this.exec.run({
      sql: `SELECT COUNT(*) - COUNT(${q(o.sentAt)}) AS ${q("unsent")}, MIN(${q(o.sentAt)}) AS ${q("oldest")} FROM ${q(this.name)} WHERE ${q(o.namespace)} = ${dialect.placeholder(1)}`,
      params: [namespace],
    });
    const row = rows[0] ?? {};
    return {
      unsent: Number(row.unsent ?? 0) > 0,
      oldestSentAt: row.oldest === null || row.oldest === undefined ? null : Number(row.oldest),
    };
  }
}

function envelopeOf(row: SqlRow): OutboxEnvelope {
  return {
    id: String(row[o.id]),
    topic: String(row[o.topic]),
    namespace: String(row[o.namespace]),
    payload: JSON.parse(String(row[o.payload])) as WireValue,
    commitVersion: Number(row[o.commitVersion]),
    seq: Number(row[o.seq]),
    publishedAt: Number(row[o.createdAt]),
  };
}
