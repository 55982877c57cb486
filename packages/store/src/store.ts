import { fromWire, OrreryError, toWire } from "@orrery/protocol";
import type { SchemaDefinition, TableDefinition } from "@orrery/schema";
import { CommitLog, type CommitLogEntry } from "./commit/commit-log";
import { Committer, WriteConflict } from "./commit/committer";
import { type MutationHandler, startAttempt } from "./commit/mutation-attempt";
import { REQUEST_WINDOW_MS, type RecordedResult, RequestLog } from "./commit/request-log";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, sleep } from "./commit/retry-policy";
import { writeSetOf } from "./commit/write-set";
import { Database, type DatabaseReader } from "./db/database";
import { PendingWrites } from "./db/pending-writes";
import { SchemaInfo, type TableInfo } from "./db/table-info";
import { TableReader } from "./db/table-reader";
import { ConflictError } from "./errors";
import type { ReadRange, ReadSet, WriteSet } from "./reactivity/read-write-sets";
import type { SqlExec } from "./sql/sql-exec";

export interface StoreOptions<S extends SchemaDefinition> {
  readonly schema: S;
  /** The unit of consistency: every statement on a `.global()` table is scoped to it. */
  readonly namespace: string;
  /** The home engine: plain tables, the commit log and the commit counter. */
  readonly exec: SqlExec;
  /** Where `.global()` tables live; the home engine when absent. */
  readonly globalExec?: SqlExec;
  readonly retry?: Partial<RetryPolicy>;
  readonly now?: () => number;
  /**
   * How many commit versions the commit log keeps at least (default 1,000); every 32nd commit
   * deletes the entries that fell out of the window in its own batch, so the log's size stays
   * flat (between the retention and 31 versions more).
   */
  readonly commitLogRetention?: number;
  /**
   * Asked on every `ctx.outbox.publish`: throws to refuse a topic that could never be delivered
   * (the Worker has no Queue binding for it), so the mutation fails at once instead.
   */
  readonly checkTopic?: (topic: string) => void;
}

export const DEFAULT_COMMIT_LOG_RETENTION = 1000;

export interface QueryOutcome<T> {
  readonly value: T;
  readonly readSet: ReadSet;
  /** The commit version the query saw (at least). */
  readonly version: number;
}

/** A query's outcome with its read set, whether it returned or threw. */
export type ObservedQuery<T> =
  | (QueryOutcome<T> & { readonly ok: true })
  | { readonly ok: false; readonly error: unknown; readonly readSet: ReadSet; readonly version: number };

export interface MutationOutcome<T> {
  readonly value: T;
  /** The version this mutation committed as; the current version when it wrote nothing. */
  readonly commitVersion: number;
  readonly writes: WriteSet;
  readonly readSet: ReadSet;
  readonly attempts: number;
  /** True when a request id was seen before and this is its recorded answer; nothing ran. */
  readonly replayed: boolean;
  /** The request id the mutation ran under, if any (see {@link MutateOptions}). */
  readonly requestId?: string;
  /** The caller's tag from {@link MutateOptions.origin}, handed back to the commit listener. */
  readonly origin?: string;
  /** How many outbox messages this commit left in the home outbox (for its relay to send). */
  readonly homeMessages?: number;
}

export interface MutateOptions {
  /**
   * A client-made id for this request. A request id seen before (within a day) in the same
   * `scope` is answered with its first result, so a retried request runs once.
   */
  readonly requestId?: string;
  /**
   * Whose request ids these are (see {@link requestScope}): a request id is looked up only
   * within its scope, so another caller who guesses it gets nothing back.
   */
  readonly scope?: string;
  /** Who asked (a connection id): passed through to the commit listener untouched. */
  readonly origin?: string;
  /**
   * What is asked (the runner passes the function's name and arguments): a request id seen
   * before with another fingerprint is refused (INVALID_ARGUMENT), never answered with the
   * other request's result.
   */
  readonly fingerprint?: string;
}

/**
 * Hears every successful mutation, inside the mutation lane: after its commit and before any
 * later mutation runs. Live queries re-run here, so each transition reflects exactly the
 * commits up to its version, and the caller is answered before anyone sees a later commit.
 */
export type CommitListener = (outcome: MutationOutcome<unknown>) => Promise<void> | void;

/**
 * The engine core for one namespace: queries read through the ctx db and report their read
 * set; mutations buffer writes, commit them through guarded batches, and are re-run when a
 * guard shows another writer got there first. Mutations run one at a time, in order.
 */
export class Store<S extends SchemaDefinition> {
  private readonly schemaInfo: SchemaInfo;
  private readonly log: CommitLog;
  private readonly requests: RequestLog;
  private readonly committer: Committer;
  private mutationsSincePrune = 0;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private lane: Promise<unknown> = Promise.resolve();
  private listener: CommitListener | null = null;
  private settleFailedAt = 0;

  private constructor(private readonly options: StoreOptions<S>) {
    const globalEngine = (options.globalExec ?? options.exec).engine;
    this.schemaInfo = new SchemaInfo(options.schema, (table: TableDefinition) =>
      table.isGlobal ? globalEngine : options.exec.engine,
    );
    this.log = new CommitLog(options.exec, options.namespace);
    this.requests = new RequestLog(options.exec, options.namespace);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.now = options.now ?? Date.now;
    this.committer = new Committer({
      schema: this.schemaInfo,
      namespace: options.namespace,
      home: options.exec,
      global: options.globalExec,
      log: this.log,
      requests: this.requests,
      execFor: this.execFor,
      now: this.now,
      logRetention: options.commitLogRetention ?? DEFAULT_COMMIT_LOG_RETENTION,
      globalLabel: `the ${globalEngine} database of .global() tables`,
    });
  }

  /**
   * Opens the store; the home engine must already have the store's system tables. A commit
   * that an earlier instance left unsettled is settled before the first mutation runs.
   */
  static async open<S extends SchemaDefinition>(options: StoreOptions<S>): Promise<Store<S>> {
    const store = new Store(options);
    await store.committer.load();
    return store;
  }

  get namespace(): string {
    return this.options.namespace;
  }

  get schema(): SchemaInfo {
    return this.schemaInfo;
  }

  /** The store's clock (ms since the epoch): the time its commits, jobs and messages are stamped with. */
  time(): number {
    return this.now();
  }

  /** The latest committed version of this namespace. */
  get version(): number {
    return this.committer.version;
  }

  async query<T>(handler: (db: DatabaseReader<S>) => Promise<T>): Promise<QueryOutcome<T>> {
    const outcome = await this.observe(handler);
    if (!outcome.ok) throw outcome.error;
    return outcome;
  }

  /**
   * Runs a query and reports what it read even when it fails, so a live query that failed
   * re-runs only when something it read changes (not on every commit).
   */
  async observe<T>(handler: (db: DatabaseReader<S>) => Promise<T>): Promise<ObservedQuery<T>> {
    const version = this.committer.version;
    const readLog: ReadRange[] = [];
    const reader = new TableReader(this.schemaInfo, this.execFor, this.options.namespace, null);
    try {
      const value = await handler(new Database<S>(reader, readLog, null, this.now));
      return { ok: true, value, readSet: readLog, version };
    } catch (error) {
      return { ok: false, error, readSet: readLog, version };
    }
  }

  /** Sets the one listener that hears every mutation's outcome inside the lane. */
  onCommitted(listener: CommitListener | null): void {
    this.listener = listener;
  }

  mutate<T>(handler: MutationHandler<S, T>, options: MutateOptions = {}): Promise<MutationOutcome<T>> {
    const { requestId, scope = "", origin, fingerprint } = options;
    const request = requestId === undefined ? undefined : { scope, requestId };
    return this.inLane(async () => {
      const answered = await this.settleEarlierCommit(request, origin);
      const outcome: MutationOutcome<T> = {
        ...(requestId
          ? await this.mutateOnce(handler, {
              scope,
              requestId,
              ...(fingerprint === undefined ? {} : { fingerprint }),
            })
          : await this.mutateInOrder(handler, null)),
        ...(requestId === undefined ? {} : { requestId }),
        ...(origin === undefined ? {} : { origin }),
      };
      // A resend whose own earlier commit was just finished was answered with it.
      if (!(answered && outcome.replayed)) await this.announce(outcome);
      return outcome;
    });
  }

  /**
   * Runs `work` in the mutation lane: after every mutation started before it and before any
   * started after, so it sees exactly one committed version (live-query re-runs use this). A
   * commit left unsettled is finished first when it can be, so `work` never sees half of it.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.inLane(async () => {
      // Best effort, and not again within seconds of a failed try (each may wait out a
      // connect timeout): until it is settled, readers see the state before it.
      if (this.now() - this.settleFailedAt > SETTLE_RETRY_MS) {
        await this.settleEarlierCommit().catch(() => {
          this.settleFailedAt = this.now();
        });
      }
      return work();
    });
  }

  private inLane<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lane.then(work);
    this.lane = result.catch(() => undefined);
    return result;
  }

  commitsSince(version: number, limit?: number): Promise<CommitLogEntry[]> {
    return this.log.since(version, limit);
  }

  private readonly execFor = (table: TableInfo): SqlExec =>
    table.isGlobal ? (this.options.globalExec ?? this.options.exec) : this.options.exec;

  /**
   * Finishes a commit a lost reply or an eviction left half done, and announces it once; when
   * `request` is the one that made it, with `origin`, so that caller hears its result first.
   * Returns whether it answered `request`.
   */
  private async settleEarlierCommit(
    request?: { scope: string; requestId: string },
    origin?: string,
  ): Promise<boolean> {
    const settled = await this.committer.settle(request);
    if (!settled) return false;
    const mine =
      !!request &&
      settled.request?.scope === request.scope &&
      settled.request.requestId === request.requestId;
    await this.announce({
      value: settled.value,
      commitVersion: settled.commitVersion,
      writes: settled.writes,
      readSet: [],
      attempts: 1,
      replayed: false,
      ...(settled.request ? { requestId: settled.request.requestId } : {}),
      ...(mine && origin !== undefined ? { origin } : {}),
    });
    return mine && origin !== undefined;
  }

  /** The commit is already durable: a listener that fails must not turn it into an error. */
  private async announce(outcome: MutationOutcome<unknown>): Promise<void> {
    try {
      await this.listener?.(outcome);
    } catch (error) {
      console.error("orrery: the commit listener failed", error);
    }
  }

  private async mutateOnce<T>(
    handler: MutationHandler<S, T>,
    request: { readonly scope: string; readonly requestId: string; readonly fingerprint?: string },
  ): Promise<MutationOutcome<T>> {
    const { scope, requestId, fingerprint } = request;
    const recorded = await this.requests.find(scope, requestId);
    if (recorded) {
      if (
        fingerprint !== undefined &&
        recorded.fingerprint !== undefined &&
        recorded.fingerprint !== fingerprint
      ) {
        throw new OrreryError(
          "INVALID_ARGUMENT",
          `request id "${requestId}" was already used for another call (${recorded.fingerprint.split(" ")[0]}, or other arguments); use a new id for a new call`,
        );
      }
      return this.replay<T>(recorded);
    }
    if (++this.mutationsSincePrune >= 100) {
      this.mutationsSincePrune = 0;
      await this.requests.prune(this.now() - REQUEST_WINDOW_MS);
    }
    const mark = fingerprint === undefined ? {} : { fingerprint };
    try {
      const outcome = await this.mutateInOrder(handler, request);
      // A mutation that wrote nothing committed nothing; record its answer on its own.
      if (outcome.writes.length === 0) {
        await this.requests.record(
          scope,
          requestId,
          { ok: true, value: toWire(outcome.value), commitVersion: outcome.commitVersion, ...mark },
          this.now(),
        );
      }
      return outcome;
    } catch (error) {
      // Only the mutation's own verdicts are kept: a dead database or a conflict may pass on retry.
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === "string" && FINAL_ERROR_CODES.has(code)) {
        await this.requests.record(
          scope,
          requestId,
          { ok: false, error: { code, message: (error as Error).message }, ...mark },
          this.now(),
        );
      }
      throw error;
    }
  }

  private replay<T>(recorded: RecordedResult): MutationOutcome<T> {
    if (!recorded.ok)
      throw new OrreryError(recorded.error.code as OrreryError["code"], recorded.error.message);
    return {
      value: fromWire(recorded.value) as T,
      commitVersion: recorded.commitVersion,
      writes: [],
      readSet: [],
      attempts: 0,
      replayed: true,
    };
  }

  private async mutateInOrder<T>(
    handler: MutationHandler<S, T>,
    request: { readonly scope: string; readonly requestId: string; readonly fingerprint?: string } | null,
  ): Promise<MutationOutcome<T>> {
    for (let attempt = 1; ; attempt++) {
      const pending = new PendingWrites();
      const readLog: ReadRange[] = [];
      const reader = new TableReader(this.schemaInfo, this.execFor, this.options.namespace, pending);
      const db = new Database<S>(reader, readLog, pending, this.now);
      const { attempt: effects, messages } = startAttempt(db, this.options.checkTopic);
      const value = await handler(db, effects);
      const writes = pending.effective();
      if (writes.length === 0 && messages.length === 0) {
        return {
          value,
          commitVersion: this.committer.version,
          writes: [],
          readSet: readLog,
          attempts: attempt,
          replayed: false,
        };
      }
      try {
        const { version: commitVersion, homeMessages } = await this.committer.commit({
          writes,
          value,
          request,
          messages,
        });
        return {
          value,
          commitVersion,
          homeMessages,
          writes: writeSetOf(this.schemaInfo, writes),
          readSet: readLog,
          attempts: attempt,
          replayed: false,
        };
      } catch (error) {
        if (!(error instanceof WriteConflict)) throw error;
        if (attempt >= this.retry.maxAttempts) throw new ConflictError(error.table, error.id, attempt);
        await sleep(retryDelayMs(this.retry, attempt));
      }
    }
  }
}

/** How long readers go on without retrying to settle a commit after a failed try. */
const SETTLE_RETRY_MS = 2000;

const FINAL_ERROR_CODES = new Set(["INVALID_ARGUMENT", "INVALID_REFERENCE", "NOT_FOUND", "FORBIDDEN"]);
