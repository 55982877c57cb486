import { OrreryError, toWire } from "@orrery/protocol";
import { SYSTEM_TABLES } from "@orrery/schema";
import { operationOf, type PendingWrite } from "../db/pending-writes";
import type { SchemaInfo, TableInfo } from "../db/table-info";
import { TableReader } from "../db/table-reader";
import type { OutboxMessage } from "../outbox/outbox-message";
import { OutboxTable } from "../outbox/outbox-table";
import type { WriteSet } from "../reactivity/read-write-sets";
import { GuardFailedError, NotSentError, type SqlExec } from "../sql/sql-exec";
import type { CommitLog } from "./commit-log";
import { type EngineBatch, planWrites } from "./commit-plan";
import { CommitMarkers, type PendingCommit, PendingCommitLog } from "./cross-engine";
import type { RequestLog } from "./request-log";
import { writeSetOf } from "./write-set";

/** How often (in commits) a commit also deletes what fell out of the commit log's window. */
export const PRUNE_EVERY = 32;

/** A guard missed: someone else wrote the document (or the counter) first. The mutation re-runs. */
export class WriteConflict extends Error {
  constructor(
    readonly table: string,
    readonly id: string,
  ) {
    super(`write conflict on ${table} "${id}"`);
  }
}

export interface CommitInput {
  readonly writes: readonly PendingWrite[];
  /** The handler's return value, recorded with the request id. */
  readonly value: unknown;
  readonly request: {
    readonly scope: string;
    readonly requestId: string;
    readonly fingerprint?: string;
  } | null;
  /**
   * Outbox messages published by the mutation, written in the same commit: beside the
   * `.global()` writes in the external transaction when there are any, else in the home batch.
   */
  readonly messages?: readonly OutboxMessage[];
}

/** What a commit made: its version, and how many messages it left in the home outbox. */
export interface CommitResult {
  readonly version: number;
  readonly homeMessages: number;
}

/** A commit that an earlier failure left half done, finished by {@link Committer.settle}. */
export interface SettledCommit {
  readonly commitVersion: number;
  readonly writes: WriteSet;
  readonly value: unknown;
  readonly request?: { readonly scope: string; readonly requestId: string };
}

export interface CommitterOptions {
  readonly schema: SchemaInfo;
  readonly namespace: string;
  readonly home: SqlExec;
  readonly global: SqlExec | undefined;
  readonly log: CommitLog;
  readonly requests: RequestLog;
  readonly execFor: (table: TableInfo) => SqlExec;
  readonly now: () => number;
  /** Commit-log versions kept; older entries are deleted in a commit's own batch, every {@link PRUNE_EVERY}. */
  readonly logRetention: number;
  /** Names the external database in errors. */
  readonly globalLabel: string;
}

/**
 * Applies one mutation's writes: the guarded statements, the commit log, the counter and the
 * request record, atomically per engine. A commit that also writes `.global()` tables in an
 * external engine follows the intent/marker protocol in `cross-engine.ts`, so it never lands
 * in one engine and not the other, and a lost reply is settled without re-running anything.
 */
export class Committer {
  private readonly pendingLog: PendingCommitLog;
  private readonly markers: CommitMarkers | null;
  private readonly homeOutbox: OutboxTable;
  private readonly globalOutbox: OutboxTable | null;
  /** The version of the last commit, as the home engine's counter holds it. */
  version = 0;
  /** An intent whose outcome is not settled yet: nothing may commit until it is. */
  private unsettled = false;

  constructor(private readonly options: CommitterOptions) {
    this.pendingLog = new PendingCommitLog(options.home, options.namespace);
    const external = options.global && options.global !== options.home ? options.global : null;
    this.markers = external ? new CommitMarkers(external, options.namespace) : null;
    this.homeOutbox = new OutboxTable(options.home, "home");
    this.globalOutbox = external ? new OutboxTable(external, "global") : null;
  }

  async load(): Promise<void> {
    this.version = await this.options.log.currentVersion();
    this.unsettled = this.markers !== null && (await this.pendingLog.load()) !== null;
  }

  /**
   * Finishes or drops the commit an earlier failure left unsettled; null when there was none
   * or it had not landed. While it cannot be settled (the external database cannot be asked,
   * or the home storage fails) it throws: to the request that made that commit,
   * OUTCOME_UNKNOWN again; to any other, UNAVAILABLE, saying nothing of it was written.
   */
  async settle(asking?: CommitInput["request"]): Promise<SettledCommit | null> {
    if (!this.unsettled || !this.markers) return null;
    const pending = await this.pendingLog.load();
    if (!pending) {
      this.unsettled = false;
      return null;
    }
    const same = pending.request;
    const isAsker = !!same && !!asking && same.scope === asking.scope && same.requestId === asking.requestId;
    const stillUnknown = (where: string, error: unknown) =>
      isAsker
        ? outcomeUnknown(where, error, true)
        : new OrreryError(
            "UNAVAILABLE",
            `an earlier commit (version ${pending.version}) has an unknown outcome and cannot be settled yet (${where}: ${messageOf(error)}). No mutation runs in this namespace until it is; nothing of this one was written.`,
          );
    let landed: boolean;
    try {
      landed = await this.markers.fence(pending.commitId, pending.version, this.options.now());
    } catch (error) {
      throw stillUnknown(this.options.globalLabel, error);
    }
    if (!landed) {
      await this.pendingLog.clear();
      this.unsettled = false;
      return null;
    }
    try {
      await this.options.home.batch(pending.homeStatements);
    } catch (error) {
      if (error instanceof GuardFailedError) {
        // Its guards held when it was planned and nothing else commits here before it is
        // finished: a second writer on this namespace's home storage broke that.
        console.error(
          `orrery: the intent of commit ${pending.commitId} (version ${pending.version}) no longer applies`,
          error,
        );
        throw new OrreryError(
          "INTERNAL",
          `commit ${pending.commitId} (version ${pending.version}) landed in ${this.options.globalLabel} but its home side no longer applies (guard ${error.statementIndex} missed): another writer changed this namespace's storage. It needs an operator.`,
        );
      }
      throw stillUnknown("the Durable Object's storage", error);
    }
    this.version = pending.version;
    this.unsettled = false;
    return {
      commitVersion: pending.version,
      writes: pending.writes,
      value: pending.value,
      ...(pending.request === undefined ? {} : { request: pending.request }),
    };
  }

  /** Commits the writes as the next version; throws WriteConflict on a missed guard. */
  async commit(input: CommitInput): Promise<CommitResult> {
    const { schema, namespace, home: homeExec } = this.options;
    const version = this.version + 1;
    const batches = planWrites(schema, input.writes, this.options.execFor, namespace);
    const home: EngineBatch = batches.get(homeExec) ?? { exec: homeExec, statements: [], sources: [] };
    batches.delete(homeExec);
    const committedAt = this.options.now();
    const entries = input.writes.map((write) => ({
      table: write.table,
      id: write.id,
      operation: operationOf(write)!,
      committedAt,
    }));
    const system = this.options.log.appendStatements(this.version, entries);
    // Every PRUNE_EVERY commits, not each: a statement per commit for a log that grows by a few
    // rows would cost more than the rows (the window holds up to PRUNE_EVERY - 1 more versions).
    if (version % PRUNE_EVERY === 0)
      system.push(this.options.log.pruneStatement(version - this.options.logRetention));
    if (input.request) {
      const { scope, requestId, fingerprint } = input.request;
      const result = {
        ok: true as const,
        value: toWire(input.value),
        commitVersion: version,
        ...(fingerprint === undefined ? {} : { fingerprint }),
      };
      system.push(this.options.requests.recordStatement(scope, requestId, result, committedAt));
    }
    home.statements.push(...system);
    home.sources.push(...system.map(() => null));

    const [external, ...more] = [...batches.values()];
    if (more.length > 0) throw new Error("a commit spans at most the home engine and one external engine");
    const messages = input.messages ?? [];
    if (messages.length > 0) {
      // The message lands exactly when the writes it describes do: in their transaction.
      const [batch, outbox] = external ? [external, this.globalOutbox!] : [home, this.homeOutbox];
      const inserts = outbox.insertStatements(namespace, version, messages, committedAt);
      batch.statements.push(...inserts);
      batch.sources.push(...inserts.map(() => null));
    }
    if (external) await this.commitAcrossEngines(home, external, version, input);
    else await this.run(home);
    this.version = version;
    return { version, homeMessages: external ? 0 : messages.length };
  }

  private async commitAcrossEngines(
    home: EngineBatch,
    external: EngineBatch,
    version: number,
    input: CommitInput,
  ): Promise<void> {
    const markers = this.markers!;
    // Home guards are checked first, so the home batch cannot miss once the external one landed.
    await this.precheckHome(home);
    const commitId = crypto.randomUUID();
    const now = this.options.now();
    const markerStatements = markers.statements(commitId, version, now);
    external.statements.push(...markerStatements);
    external.sources.push(...markerStatements.map(() => null));
    home.statements.push(this.pendingLog.clearStatement());
    home.sources.push(null);
    const pending: PendingCommit = {
      commitId,
      version,
      homeStatements: home.statements,
      writes: writeSetOf(this.options.schema, input.writes),
      value: input.value,
      ...(input.request ? { request: input.request } : {}),
    };
    await this.pendingLog.save(pending);
    this.unsettled = true;
    try {
      await this.run(external);
    } catch (error) {
      if (error instanceof WriteConflict) {
        await this.dropPending();
        throw error;
      }
      if (error instanceof NotSentError) {
        await this.dropPending();
        throw nothingWritten(error);
      }
      // The database failed or the reply was lost: ask whether the transaction landed.
      let landed: boolean;
      try {
        landed = await markers.fence(commitId, version, this.options.now());
      } catch {
        throw outcomeUnknown(this.options.globalLabel, error, input.request !== null);
      }
      if (!landed) {
        await this.dropPending();
        throw nothingWritten(error);
      }
    }
    try {
      await this.run(home);
    } catch (error) {
      // Settled on the next mutation (or start) from the intent, which is still there.
      throw outcomeUnknown("the Durable Object's storage", error, input.request !== null);
    }
    this.unsettled = false;
  }

  private async dropPending(): Promise<void> {
    await this.pendingLog.clear();
    this.unsettled = false;
  }

  private async run(batch: EngineBatch): Promise<void> {
    try {
      await batch.exec.batch(batch.statements);
    } catch (error) {
      if (!(error instanceof GuardFailedError)) throw error;
      const source = batch.sources[error.statementIndex];
      if (!source) {
        // The counter moved: another writer commits to this namespace. Reload and retry.
        this.version = await this.options.log.currentVersion();
        throw new WriteConflict(SYSTEM_TABLES.meta.name, this.options.namespace);
      }
      throw new WriteConflict(source.table, source.id);
    }
  }

  private async precheckHome(home: EngineBatch): Promise<void> {
    const stored = await this.options.log.storedVersion();
    if (stored !== this.version) {
      this.version = stored;
      throw new WriteConflict(SYSTEM_TABLES.meta.name, this.options.namespace);
    }
    const reader = new TableReader(this.options.schema, this.options.execFor, this.options.namespace, null);
    for (const write of home.sources) {
      if (!write?.original) continue;
      const stored = await reader.getStored(this.options.schema.table(write.table), write.id);
      if (stored?._version !== write.original._version) throw new WriteConflict(write.table, write.id);
    }
  }
}

function outcomeUnknown(where: string, cause: unknown, hasRequestId: boolean): OrreryError {
  const advice = hasRequestId
    ? "Retry with the same request id: it runs at most once."
    : "It had no request id, so a retry cannot be told apart from a new call: check before retrying.";
  return new OrreryError(
    "OUTCOME_UNKNOWN",
    `the commit's outcome is unknown (${where}: ${messageOf(cause)}); it is settled before the namespace's next mutation runs. ${advice}`,
  );
}

/**
 * The fence proved the external transaction never landed: say so. The code stays the
 * database's (a connection failure is UNAVAILABLE); an error with none is INTERNAL.
 */
function nothingWritten(cause: unknown): OrreryError {
  const code = cause instanceof OrreryError ? cause.code : "INTERNAL";
  const error = new OrreryError(code, `${messageOf(cause)}. Nothing was written.`);
  error.cause = cause;
  return error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
