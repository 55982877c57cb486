import type { WireValue } from "@orrery/protocol";
import { SYSTEM_TABLES } from "@orrery/schema";
import { placeholders } from "../sql/dialect";
import type { BatchStatement, SqlExec } from "../sql/sql-exec";

/** What a mutation request ended with, kept so a retried request gets the same answer. */
export type RecordedResult = (
  | { readonly ok: true; readonly value: WireValue; readonly commitVersion: number }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } }
) & {
  /** What was asked (function and arguments), so the same id cannot answer another request. */
  readonly fingerprint?: string;
};

/** How long request ids are remembered: long enough to cover any client's retries. */
export const REQUEST_WINDOW_MS = 24 * 60 * 60 * 1000;

const REQUESTS = SYSTEM_TABLES.requests;
const r = REQUESTS.columns;
const COLUMNS = [r.namespace, r.requestId, r.result, r.commitVersion, r.createdAt];

/**
 * Whose request ids a call's belong to: the signed-in user's subject; else the anonymous
 * client id the client library makes and keeps; else `fallback` (a connection's own id), so
 * an anonymous caller without a client id can never be answered with another's result.
 */
export function requestScope(
  identity: { readonly subject: string } | null,
  clientId: string | undefined,
  fallback: string,
): string {
  if (identity) return `user:${identity.subject}`;
  if (clientId) return `client:${clientId}`;
  return fallback;
}

/** The stored key: a JSON pair, so no scope and id can be spliced into another's. */
const keyOf = (scope: string, requestId: string) => JSON.stringify([scope, requestId]);

/**
 * Client-made request ids of recent mutations and their results, in the home engine. A
 * successful mutation's row is written in its commit batch, so "ran" and "recorded" cannot
 * come apart; a retried request is answered from here and does not run again.
 */
export class RequestLog {
  // Built once: every mutation with a request id runs the first two.
  private readonly findSql: string;
  private readonly recordSql: string;
  private readonly pruneSql: string;

  constructor(
    private readonly exec: SqlExec,
    private readonly namespace: string,
  ) {
    const { dialect } = exec;
    const q = dialect.quote;
    this.findSql = `SELECT ${q(r.result)} FROM ${q(REQUESTS.name)} WHERE ${q(r.namespace)} = ${dialect.placeholder(1)} AND ${q(r.requestId)} = ${dialect.placeholder(2)}`;
    this.recordSql = `INSERT INTO ${q(REQUESTS.name)} (${COLUMNS.map(q).join(", ")}) VALUES (${placeholders(dialect, COLUMNS.length)})`;
    this.pruneSql = `DELETE FROM ${q(REQUESTS.name)} WHERE ${q(r.namespace)} = ${dialect.placeholder(1)} AND ${q(r.createdAt)} < ${dialect.placeholder(2)}`;
  }

  async find(scope: string, requestId: string): Promise<RecordedResult | null> {
    const { rows } = await this.exec.run({
      sql: this.findSql,
      params: [this.namespace, keyOf(scope, requestId)],
    });
    const raw = rows[0]?.[r.result];
    return typeof raw === "string" ? (JSON.parse(raw) as RecordedResult) : null;
  }

  recordStatement(scope: string, requestId: string, result: RecordedResult, now: number): BatchStatement {
    return {
      sql: this.recordSql,
      params: [
        this.namespace,
        keyOf(scope, requestId),
        JSON.stringify(result),
        result.ok ? result.commitVersion : null,
        now,
      ],
    };
  }

  async record(scope: string, requestId: string, result: RecordedResult, now: number): Promise<void> {
    await this.exec.batch([this.recordStatement(scope, requestId, result, now)]);
  }

  async prune(olderThan: number): Promise<void> {
    await this.exec.run({
      sql: this.pruneSql,
      params: [this.namespace, olderThan],
    });
  }
}
