import type { SchemaDefinition, TableDefinition } from "@orrery/schema";
import { CommitLog, type CommitLogEntry } from "./commit/commit-log";
import { type EngineBatch, planWrites } from "./commit/commit-plan";
import { REQUEST_WINDOW_MS, type RecordedResult, RequestLog } from "./commit/request-log";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, sleep } from "./commit/retry-policy";
import { writeSetOf } from "./commit/write-set";
import { Database, type DatabaseReader, type DatabaseWriter } from "./db/database";
import { operationOf, type PendingWrite, PendingWrites } from "./db/pending-writes";
import { SchemaInfo, type TableInfo } from "./db/table-info";
import { TableReader } from "./db/table-reader";
import { ConflictError, OrreryError } from "./errors";
import { fromWire, toWire } from "./protocol/wire-value";
import type { ReadRange, ReadSet, WriteSet } from "./reactivity/read-write-sets";
import { type BatchStatement, GuardFailedError, type SqlExec } from "./sql/sql-exec";

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
}

export interface QueryOutcome<T> {
  readonly value: T;
  readonly readSet: ReadSet;
  /** The commit version the query saw (at least). */
  readonly version: number;
}

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
}

export interface MutateOptions {
  /**
   * A client-made id for this request. A request id seen before (within a day) is answered
   * with its first result, so a retried request runs once.
   */
  readonly requestId?: string;
}

/**
 * The engine core for one namespace: queries read through the ctx db and report their read
 * set; mutations buffer writes, commit them through guarded batches, and are re-run when a
 * guard shows another writer got there first. Mutations run one at a time, in order.
 */
export class Store<S extends SchemaDefinition> {
  private readonly schemaInfo: SchemaInfo;
  private readonly log: CommitLog;
  private readonly requests: RequestLog;
  private mutationsSincePrune = 0;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private currentVersion = 0;
  private lane: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: StoreOptions<S>) {
    const globalEngine = (options.globalExec ?? options.exec).engine;
    this.schemaInfo = new SchemaInfo(options.schema, (table: TableDefinition) =>
      table.isGlobal ? globalEngine : options.exec.engine,
    );
    this.log = new CommitLog(options.exec, options.namespace);
    this.requests = new RequestLog(options.exec, options.namespace);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.now = options.now ?? Date.now;
  }

  /** Opens the store; the home engine must already have the store's system tables. */
  static async open<S extends SchemaDefinition>(options: StoreOptions<S>): Promise<Store<S>> {
    const store = new Store(options);
    store.currentVersion = await store.log.currentVersion();
    return store;
  }

  get namespace(): string {
    return this.options.namespace;
  }

  get schema(): SchemaInfo {
    return this.schemaInfo;
  }

  /** The latest committed version of this namespace. */
  get version(): number {
    return this.currentVersion;
  }

  async query<T>(handler: (db: DatabaseReader<S>) => Promise<T>): Promise<QueryOutcome<T>> {
    const version = this.currentVersion;
    const readLog: ReadRange[] = [];
    const reader = new TableReader(this.schemaInfo, this.execFor, this.options.namespace, null);
    const value = await handler(new Database<S>(reader, readLog, null, this.now));
    return { value, readSet: readLog, version };
  }

  mutate<T>(
    handler: (db: DatabaseWriter<S>) => Promise<T>,
    options: MutateOptions = {},
  ): Promise<MutationOutcome<T>> {
    const { requestId } = options;
    if (!requestId) return this.exclusive(() => this.mutateInOrder(handler, null));
    return this.exclusive(async () => ({ ...(await this.mutateOnce(handler, requestId)), requestId }));
  }

  /**
   * Runs `work` in the mutation lane: after every mutation started before it and before any
   * started after, so it sees exactly one committed version (live-query re-runs use this).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lane.then(work);
    this.lane = result.catch(() => undefined);
    return result;
  }

  commitsSince(version: number, limit?: number): Promise<CommitLogEntry[]> {
    return this.log.since(version, limit);
  }

  private readonly execFor = (table: TableInfo): SqlExec =>
    table.isGlobal ? (this.options.globalExec ?? this.options.exec) : this.options.exec;

  private async mutateOnce<T>(
    handler: (db: DatabaseWriter<S>) => Promise<T>,
    requestId: string,
  ): Promise<MutationOutcome<T>> {
    const recorded = await this.requests.find(requestId);
    if (recorded) return this.replay<T>(recorded);
    if (++this.mutationsSincePrune >= 100) {
      this.mutationsSincePrune = 0;
      await this.requests.prune(this.now() - REQUEST_WINDOW_MS);
    }
    try {
      const outcome = await this.mutateInOrder(handler, requestId);
      // A mutation that wrote nothing committed nothing; record its answer on its own.
      if (outcome.writes.length === 0) {
        await this.requests.record(
          requestId,
          { ok: true, value: toWire(outcome.value), commitVersion: outcome.commitVersion },
          this.now(),
        );
      }
      return outcome;
    } catch (error) {
      // Only the mutation's own verdicts are kept: a dead database or a conflict may pass on retry.
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === "string" && FINAL_ERROR_CODES.has(code)) {
        await this.requests.record(
          requestId,
          { ok: false, error: { code, message: (error as Error).message } },
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
    handler: (db: DatabaseWriter<S>) => Promise<T>,
    requestId: string | null,
  ): Promise<MutationOutcome<T>> {
    for (let attempt = 1; ; attempt++) {
      const pending = new PendingWrites();
      const readLog: ReadRange[] = [];
      const reader = new TableReader(this.schemaInfo, this.execFor, this.options.namespace, pending);
      const value = await handler(new Database<S>(reader, readLog, pending, this.now));
      const writes = pending.effective();
      if (writes.length === 0) {
        return {
          value,
          commitVersion: this.currentVersion,
          writes: [],
          readSet: readLog,
          attempts: attempt,
          replayed: false,
        };
      }
      try {
        const record = requestId
          ? (version: number) =>
              this.requests.recordStatement(
                requestId,
                { ok: true, value: toWire(value), commitVersion: version },
                this.now(),
              )
          : null;
        const commitVersion = await this.commit(writes, record);
        return {
          value,
          commitVersion,
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

  /**
   * Applies the writes and the commit-log rows. Engines other than home commit first; the
   * home batch (with the counter) last, after its guards were checked up front, so a
   * two-engine commit cannot fail half way for a conflict.
   */
  private async commit(
    writes: readonly PendingWrite[],
    recordRequest: ((commitVersion: number) => BatchStatement) | null,
  ): Promise<number> {
    const batches = planWrites(this.schemaInfo, writes, this.execFor, this.options.namespace);
    const home: EngineBatch = batches.get(this.options.exec) ?? {
      exec: this.options.exec,
      statements: [],
      sources: [],
    };
    batches.delete(this.options.exec);
    const committedAt = this.now();
    const entries = writes.map((write) => ({
      table: write.table,
      id: write.id,
      operation: operationOf(write)!,
      committedAt,
    }));
    const logStatements = this.log.appendStatements(this.currentVersion, entries);
    if (recordRequest) logStatements.push(recordRequest(this.currentVersion + 1));
    home.statements.push(...logStatements);
    home.sources.push(...logStatements.map(() => null));

    if (batches.size > 0) await this.precheckGuards(home);
    for (const batch of [...batches.values(), home]) {
      try {
        await batch.exec.batch(batch.statements);
      } catch (error) {
        if (!(error instanceof GuardFailedError)) throw error;
        const source = batch.sources[error.statementIndex];
        if (!source) {
          // The counter moved: another writer commits to this namespace. Reload and retry.
          this.currentVersion = await this.log.currentVersion();
          throw new WriteConflict("_orrery_meta", this.options.namespace);
        }
        throw new WriteConflict(source.table, source.id);
      }
    }
    this.currentVersion += 1;
    return this.currentVersion;
  }

  private async precheckGuards(home: EngineBatch): Promise<void> {
    const reader = new TableReader(this.schemaInfo, this.execFor, this.options.namespace, null);
    for (const write of home.sources) {
      if (!write?.original) continue;
      const stored = await reader.getStored(this.schemaInfo.table(write.table), write.id);
      if (stored?._version !== write.original._version) throw new WriteConflict(write.table, write.id);
    }
  }
}

const FINAL_ERROR_CODES = new Set(["INVALID_ARGUMENT", "INVALID_REFERENCE", "NOT_FOUND", "FORBIDDEN"]);

class WriteConflict extends Error {
  constructor(
    readonly table: string,
    readonly id: string,
  ) {
    super(`write conflict on ${table} "${id}"`);
  }
}
