import { fromWire, toWire, type WireValue } from "@orrery/protocol";
import { type SqlValue, SYSTEM_TABLES } from "@orrery/schema";
import type { WriteSet } from "../reactivity/read-write-sets";
import { placeholders } from "../sql/dialect";
import type { BatchStatement, SqlExec } from "../sql/sql-exec";

/**
 * A commit that spans the home engine (the Durable Object's SQLite) and an external one
 * (`.global()` tables) cannot be one transaction. It is made knowable instead:
 *
 * 1. Before anything is sent, the home engine records the commit's intent: its id, version,
 *    and the complete home batch (writes, commit log, counter, request record).
 * 2. The external batch carries a marker row `(namespace, commit_id, 'committed')` in its
 *    own transaction, so the marker exists exactly when the external writes do.
 * 3. The home batch runs, and clears the intent in the same transaction.
 *
 * When step 2's reply is lost (or the object dies before step 3), the outcome is settled by
 * a fence: insert `(namespace, commit_id, 'void')` unless a row is there, then read the row.
 * The insert waits for an in-flight transaction holding that key, and a void row makes the
 * late arrival of the original one fail on the key, so the answer is final: 'committed'
 * means finish the home side from the intent (never by running the handler again), 'void'
 * means nothing was written and the intent is dropped.
 */
export interface PendingCommit {
  readonly commitId: string;
  readonly version: number;
  /** The home batch as planned, with the statement that clears this intent last. */
  readonly homeStatements: readonly BatchStatement[];
  readonly writes: WriteSet;
  readonly value: unknown;
  readonly request?: { readonly scope: string; readonly requestId: string };
}

const PENDING_KEY = "pending_commit";

const META = SYSTEM_TABLES.meta;
const m = META.columns;
const MARKERS = SYSTEM_TABLES.commitMarkers;
const k = MARKERS.columns;
const MARKER_COLUMNS = [k.namespace, k.commitId, k.version, k.state, k.createdAt];

/** The intent record, in the home engine's meta table (`SYSTEM_TABLES.meta`). */
export class PendingCommitLog {
  constructor(
    private readonly exec: SqlExec,
    private readonly namespace: string,
  ) {}

  async save(pending: PendingCommit): Promise<void> {
    const { dialect } = this.exec;
    await this.exec.run({
      sql: dialect.upsert(META.name, [m.namespace, m.key, m.value], [m.namespace, m.key], [m.value]),
      params: [this.namespace, PENDING_KEY, JSON.stringify(encodePending(pending))],
    });
  }

  async load(): Promise<PendingCommit | null> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const { rows } = await this.exec.run({
      sql: `SELECT ${q(m.value)} FROM ${q(META.name)} WHERE ${q(m.namespace)} = ${dialect.placeholder(1)} AND ${q(m.key)} = ${dialect.placeholder(2)}`,
      params: [this.namespace, PENDING_KEY],
    });
    const raw = rows[0]?.[m.value];
    return typeof raw === "string" ? decodePending(JSON.parse(raw) as EncodedPending) : null;
  }

  clearStatement(): BatchStatement {
    const { dialect } = this.exec;
    const q = dialect.quote;
    return {
      sql: `DELETE FROM ${q(META.name)} WHERE ${q(m.namespace)} = ${dialect.placeholder(1)} AND ${q(m.key)} = ${dialect.placeholder(2)}`,
      params: [this.namespace, PENDING_KEY],
    };
  }

  async clear(): Promise<void> {
    await this.exec.run(this.clearStatement());
  }
}

/** How often (in versions) a cross-engine commit also drops older settled markers. */
export const MARKER_CLEANUP_EVERY = 32;

/** The markers, in the external engine beside the `.global()` tables. */
export class CommitMarkers {
  constructor(
    private readonly exec: SqlExec,
    private readonly namespace: string,
  ) {}

  /**
   * Statements for the external batch: this commit's marker, and, every
   * {@link MARKER_CLEANUP_EVERY} versions, dropping older settled ones (a statement is a round
   * trip to the database; a few dozen spare markers per namespace cost nothing).
   */
  statements(commitId: string, version: number, now: number): BatchStatement[] {
    const { dialect } = this.exec;
    const q = dialect.quote;
    const marker: BatchStatement = {
      sql: `INSERT INTO ${q(MARKERS.name)} (${MARKER_COLUMNS.map(q).join(", ")}) VALUES (${placeholders(dialect, MARKER_COLUMNS.length)})`,
      params: [this.namespace, commitId, version, "committed", now],
    };
    if (version % MARKER_CLEANUP_EVERY !== 0) return [marker];
    return [
      marker,
      // Commits of a namespace run one at a time and settle before the next: every older
      // 'committed' marker has served its purpose. A 'void' one stays for a day, since it is
      // what keeps a transaction delivered late (a D1 batch is one request) from landing.
      {
        sql: `DELETE FROM ${q(MARKERS.name)} WHERE ${q(k.namespace)} = ${dialect.placeholder(1)} AND ${q(k.commitId)} <> ${dialect.placeholder(2)} AND (${q(k.state)} = ${dialect.placeholder(3)} OR ${q(k.createdAt)} < ${dialect.placeholder(4)})`,
        params: [this.namespace, commitId, "committed", now - VOID_MARKER_RETENTION_MS],
      },
    ];
  }

  /** Settles whether the commit's external transaction landed; afterwards it never can. */
  async fence(commitId: string, version: number, now: number): Promise<boolean> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    await this.exec.run({
      sql: dialect.insertIgnore(MARKERS.name, MARKER_COLUMNS, [k.namespace, k.commitId]),
      params: [this.namespace, commitId, version, "void", now],
    });
    const { rows } = await this.exec.run({
      sql: `SELECT ${q(k.state)} FROM ${q(MARKERS.name)} WHERE ${q(k.namespace)} = ${dialect.placeholder(1)} AND ${q(k.commitId)} = ${dialect.placeholder(2)}`,
      params: [this.namespace, commitId],
    });
    return rows[0]?.[k.state] === "committed";
  }
}

/** How long a void marker fences its commit id: far longer than any request can be in flight. */
const VOID_MARKER_RETENTION_MS = 24 * 60 * 60 * 1000;

interface EncodedPending {
  readonly commitId: string;
  readonly version: number;
  readonly homeStatements: { sql: string; params: WireValue; expectAffected?: number }[];
  readonly writes: WireValue;
  readonly value: WireValue;
  readonly request?: { readonly scope: string; readonly requestId: string };
}

function encodePending(pending: PendingCommit): EncodedPending {
  return {
    commitId: pending.commitId,
    version: pending.version,
    homeStatements: pending.homeStatements.map((statement) => ({
      sql: statement.sql,
      params: toWire(statement.params),
      ...(statement.expectAffected === undefined ? {} : { expectAffected: statement.expectAffected }),
    })),
    writes: toWire(pending.writes),
    value: toWire(pending.value),
    ...(pending.request === undefined ? {} : { request: pending.request }),
  };
}

function decodePending(encoded: EncodedPending): PendingCommit {
  return {
    commitId: encoded.commitId,
    version: encoded.version,
    homeStatements: encoded.homeStatements.map((statement) => ({
      sql: statement.sql,
      // The wire format brings bytes back as ArrayBuffer; statements take Uint8Array.
      params: (fromWire(statement.params) as unknown[]).map((param) =>
        param instanceof ArrayBuffer ? new Uint8Array(param) : (param as SqlValue),
      ),
      ...(statement.expectAffected === undefined ? {} : { expectAffected: statement.expectAffected }),
    })),
    writes: fromWire(encoded.writes) as WriteSet,
    value: fromWire(encoded.value),
    ...(encoded.request === undefined ? {} : { request: encoded.request }),
  };
}
