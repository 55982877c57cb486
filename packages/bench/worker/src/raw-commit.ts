import { DurableObject } from "cloudflare:workers";
import { newDocumentId } from "@orrery/schema";
import migrations from "../migrations/migrations.js";
import { acceptSocket, frameText } from "./accept-socket";
import { closeSocket } from "./close-socket";

/** Case 5's write: the same `rows:insert` arguments Orrery's mutation gets, and its request id. */
interface RawInsert {
  readonly requestId: string;
  readonly key: string;
  readonly n: number;
}

/** Case 1's write, as the relays get it: a counter's key and its new value. */
interface RawIncrement {
  readonly key: string;
  readonly value: number;
}

const NAMESPACE = "bench";
const VERSION_KEY = "commit_version";

// The statements Orrery runs in its Durable Object's SQLite for one mutation, in the same shapes
// on the same tables and indexes (packages/store/src/commit, src/db): the request-id lookup
// before the mutation runs, the handler's reads, then one transactionSync with the guarded
// counter, the document, its commit-log row and the request record; then each touched live
// query's read again.
const FIND_REQUEST = `SELECT "result" FROM "_orrery_requests" WHERE "namespace" = ? AND "request_id" = ?`;
const ADVANCE_COUNTER = `UPDATE "_orrery_meta" SET "value" = ? WHERE "namespace" = ? AND "key" = ? AND "value" = ? RETURNING 1`;
const INSERT_ROW = `INSERT INTO "rows" ("_id", "_creationTime", "_version", "key", "n") VALUES (?, ?, ?, ?, ?)`;
const INSERT_COMMIT = `INSERT INTO "_orrery_commits" ("namespace", "version", "seq", "table_name", "doc_id", "op", "committed_at") VALUES (?, ?, ?, ?, ?, ?, ?)`;
const RECORD_REQUEST = `INSERT INTO "_orrery_requests" ("namespace", "request_id", "result", "commit_version", "created_at") VALUES (?, ?, ?, ?, ?)`;
const READ_COUNTER = `SELECT "_id", "_creationTime", "_version", "key", "value" FROM "counters" WHERE "key" = ? ORDER BY "key", "_id" LIMIT 2`;
const INSERT_COUNTER = `INSERT INTO "counters" ("_id", "_creationTime", "_version", "key", "value") VALUES (?, ?, ?, ?, ?)`;
const UPDATE_COUNTER = `UPDATE "counters" SET "_version" = ?, "key" = ?, "value" = ? WHERE "_id" = ? AND "_version" = ? RETURNING 1`;
// Orrery's housekeeping at its intervals: the commit log's window (in a commit's batch, every
// 32 commits, keeping 1,000 versions) and the request ids' day (before every 100th mutation).
const PRUNE_COMMITS = `DELETE FROM "_orrery_commits" WHERE "namespace" = ? AND "version" <= ?`;
const PRUNE_REQUESTS = `DELETE FROM "_orrery_requests" WHERE "namespace" = ? AND "created_at" < ?`;
const PRUNE_EVERY = 32;
const LOG_RETENTION = 1000;
const PRUNE_REQUESTS_EVERY = 100;
const REQUEST_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What one commit wrote, for its commit-log row and request record. */
interface CommitEntry {
  readonly requestKey: string;
  readonly table: string;
  readonly id: string;
  readonly op: "insert" | "update";
  readonly now: number;
}

interface CounterRow {
  readonly _id: string;
  readonly _version: number;
  readonly value: number;
}

/**
 * Orrery's SQL without Orrery: a Durable Object on the hibernation API that runs the statements
 * Orrery runs for a write, its housekeeping at the same intervals included, and nothing else
 * (no validation, no function lookup, no encoding, no subscriptions). Case 5 sends it `rows:insert`'s arguments and gets `{"ok":true}`;
 * case 1 sends it the relays' `{key, value}` and it increments the counter as
 * `counters:increment` does, reads it again as `counters:get`'s re-run does, and relays the
 * frame as the floor does. So what Orrery's storage work alone costs is measured in the same
 * run as Orrery, and what is left is Orrery's own code.
 */
export class RawCommit extends DurableObject<Cloudflare.Env> {
  private version: number;
  private mutationsSincePrune = 0;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    const created = sql.exec(`SELECT 1 FROM sqlite_master WHERE name = '_orrery_meta'`).toArray().length > 0;
    if (!created) {
      // The bench app's own migrations, so the tables and indexes are the ones Orrery writes to.
      for (const migration of Object.values(migrations.migrations))
        for (const statement of migration.split("--> statement-breakpoint"))
          if (statement.trim()) sql.exec(statement);
      sql.exec(`INSERT INTO "_orrery_meta" VALUES (?, ?, '0')`, NAMESPACE, VERSION_KEY);
    }
    const [row] = sql
      .exec(`SELECT "value" FROM "_orrery_meta" WHERE "namespace" = ? AND "key" = ?`, NAMESPACE, VERSION_KEY)
      .toArray();
    this.version = Number(row?.value ?? 0);
  }

  override fetch(request: Request): Response {
    return acceptSocket(this.ctx, request);
  }

  override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    const text = frameText(message);
    const write = JSON.parse(text) as RawInsert | RawIncrement;
    if ("requestId" in write) {
      try {
        this.insert(write);
        socket.send('{"ok":true}');
      } catch (error) {
        socket.send(JSON.stringify({ ok: false, error: String(error) }));
      }
      return;
    }
    try {
      this.increment(write);
    } catch (error) {
      // Not relayed: the driver records this peer as failed when the frame does not come.
      console.error("raw-commit: the increment failed", error);
      return;
    }
    for (const other of this.ctx.getWebSockets()) {
      if (other !== socket) other.send(text);
    }
  }

  /** The request-id lookup and, every 100th mutation, the prune: true when the id is new. */
  private isNewRequest(requestKey: string): boolean {
    const { sql } = this.ctx.storage;
    if (sql.exec(FIND_REQUEST, NAMESPACE, requestKey).toArray().length > 0) return false;
    if (++this.mutationsSincePrune >= PRUNE_REQUESTS_EVERY) {
      this.mutationsSincePrune = 0;
      sql.exec(PRUNE_REQUESTS, NAMESPACE, Date.now() - REQUEST_WINDOW_MS).toArray();
      sql.exec("SELECT changes() AS n").toArray();
    }
    return true;
  }

  private insert(write: RawInsert): void {
    const { sql } = this.ctx.storage;
    const requestKey = JSON.stringify(["client:bench", write.requestId]);
    if (!this.isNewRequest(requestKey)) return;
    const id = newDocumentId();
    const now = Date.now();
    this.commit({ requestKey, table: "rows", id, op: "insert", now }, () => {
      sql.exec(INSERT_ROW, id, now, 1, write.key, write.n);
    });
  }

  private increment(write: RawIncrement): void {
    const { sql } = this.ctx.storage;
    const requestKey = JSON.stringify(["client:bench", `w${write.key}:${write.value}`]);
    if (!this.isNewRequest(requestKey)) return;
    const [row] = sql.exec(READ_COUNTER, write.key).toArray() as unknown as CounterRow[];
    const now = Date.now();
    const id = row?._id ?? newDocumentId();
    this.commit({ requestKey, table: "counters", id, op: row ? "update" : "insert", now }, () => {
      if (!row) {
        sql.exec(INSERT_COUNTER, id, now, 1, write.key, 1);
        return;
      }
      const updated = sql.exec(UPDATE_COUNTER, row._version + 1, write.key, row.value + 1, id, row._version);
      if (updated.toArray().length !== 1) throw new Error("the counter row moved");
    });
    sql.exec(READ_COUNTER, write.key).toArray();
  }

  /** Orrery's commit batch around `writeDocument`: counter, document, commit log, request record. */
  private commit(entry: CommitEntry, writeDocument: () => void): void {
    const { requestKey, table, id, op, now } = entry;
    const { sql } = this.ctx.storage;
    const version = this.version + 1;
    this.ctx.storage.transactionSync(() => {
      const advanced = sql
        .exec(ADVANCE_COUNTER, String(version), NAMESPACE, VERSION_KEY, String(this.version))
        .toArray();
      if (advanced.length !== 1) throw new Error("the commit counter moved");
      writeDocument();
      sql.exec(INSERT_COMMIT, NAMESPACE, version, 0, table, id, op, now);
      if (version % PRUNE_EVERY === 0) sql.exec(PRUNE_COMMITS, NAMESPACE, version - LOG_RETENTION);
      // Orrery's record also names the call (function and a hash of its arguments).
      const fingerprint = `${table}:write ${version.toString(36).padStart(11, "0")}`;
      const result = JSON.stringify({ ok: true, value: id, commitVersion: version, fingerprint });
      sql.exec(RECORD_REQUEST, NAMESPACE, requestKey, result, version, now);
    });
    this.version = version;
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    closeSocket(socket, code, reason);
  }
}
