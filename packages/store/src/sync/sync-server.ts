import { OrreryError } from "../errors";
import type { Identity } from "../functions/auth";
import {
  type ClientMessage,
  parseClientMessage,
  type QueryUpdate,
  type ServerMessage,
} from "../protocol/protocol";
import { fromWire, toWire } from "../protocol/wire-value";
import type { ReadSet, WriteSet } from "../reactivity/read-write-sets";
import { SubscriptionIndex } from "../reactivity/subscription-index";
import { type ConnectionState, hashResult, newConnectionState } from "./connection-state";

/** What the sync server needs from the function layer. */
export interface LiveFunctions {
  /** Throws (NOT_FOUND / INVALID_ARGUMENT) when `name` is no query or `args` do not fit it. */
  checkQuery(name: string, args: unknown): void;
  runQuery(
    name: string,
    args: unknown,
    identity: Identity | null,
  ): Promise<{ value: unknown; readSet: ReadSet }>;
  runMutation(
    name: string,
    args: unknown,
    identity: Identity | null,
    requestId: string,
  ): Promise<{ value: unknown; commitVersion: number }>;
  /** Runs `work` in the store's mutation lane, where it sees exactly one committed version. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** The latest committed version. */
  version(): number;
}

/** A commit, as the function layer reports it. */
export interface CommitNotice {
  readonly writes: WriteSet;
  readonly commitVersion: number;
  readonly value: unknown;
  /** Set when the commit answers a request id (a socket's `mutate`). */
  readonly requestId?: string;
}

/** How the sync server reaches connections: send a message, and persist a connection's state. */
export interface SyncTransport {
  send(connectionId: string, message: ServerMessage): void;
  saveState(connectionId: string, state: ConnectionState): void;
}

type SubscriptionKey = string;
const keyOf = (connectionId: string, id: string): SubscriptionKey => `${connectionId}\u0000${id}`;
const splitKey = (key: SubscriptionKey) => key.split("\u0000") as [string, string];

const errorOf = (error: unknown) => ({
  code:
    error instanceof OrreryError || typeof (error as { code?: unknown })?.code === "string"
      ? String((error as { code: string }).code)
      : "INTERNAL",
  message: error instanceof Error ? error.message : String(error),
});

/**
 * Live queries for one namespace: keeps each connection's subscriptions, re-runs exactly the
 * ones a commit touches, and sends each connection its changed results as one transition per
 * commit, in commit order. It knows nothing of sockets: the transport sends and persists.
 */
export class SyncServer {
  private readonly connections = new Map<string, ConnectionState>();
  private readonly index = new SubscriptionIndex<SubscriptionKey>();
  /** Subscriptions restored after hibernation whose read sets are not known yet. */
  private readonly unindexed = new Set<SubscriptionKey>();
  private invalidation: Promise<void> = Promise.resolve();
  /** Mutations from sockets still waiting for their result: request id → connection. */
  private readonly awaitingResult = new Map<string, string>();

  constructor(
    private readonly functions: LiveFunctions,
    private readonly transport: SyncTransport,
  ) {}

  get connectionCount(): number {
    return this.connections.size;
  }

  /** A new connection, or one restored from its saved state after the object woke up. */
  connect(connectionId: string, state: ConnectionState | null, identity: Identity | null = null): void {
    const restored = state ?? newConnectionState(identity);
    this.connections.set(connectionId, restored);
    // Read sets live only in memory: restored subscriptions re-run on the next commit.
    for (const id of Object.keys(restored.subscriptions)) this.unindexed.add(keyOf(connectionId, id));
    if (!state) this.transport.saveState(connectionId, restored);
  }

  disconnect(connectionId: string): void {
    const state = this.connections.get(connectionId);
    if (!state) return;
    for (const id of Object.keys(state.subscriptions)) this.forget(keyOf(connectionId, id));
    this.connections.delete(connectionId);
  }

  async receive(connectionId: string, frame: string | ArrayBuffer | ArrayBufferView): Promise<void> {
    const state = this.connections.get(connectionId);
    if (!state) return;
    const parsed = parseClientMessage(frame);
    if (!parsed.ok) {
      this.transport.send(connectionId, { type: "error", ...parsed.error });
      return;
    }
    const message: ClientMessage = parsed.message;
    switch (message.type) {
      case "ping":
        this.transport.send(connectionId, { type: "pong" });
        return;
      case "subscribe":
        return this.subscribe(connectionId, state, message.id, message.query, message.args);
      case "unsubscribe":
        return this.unsubscribe(connectionId, state, message.id);
      case "mutate":
        return this.mutate(connectionId, state, message.requestId, message.mutation, message.args);
      default:
        message satisfies never;
    }
  }

  /**
   * Called after every commit (from a socket, HTTP or an action): re-runs the touched
   * subscriptions in the mutation lane, right after the commit and before any later one.
   */
  committed(commit: CommitNotice): Promise<void> {
    if (commit.writes.length === 0) return this.invalidation;
    const run = this.functions.exclusive(() => this.invalidate(commit));
    this.invalidation = run.catch(() => undefined);
    return run;
  }

  private async subscribe(
    connectionId: string,
    state: ConnectionState,
    id: string,
    query: string,
    args: unknown,
  ) {
    if (state.subscriptions[id]) {
      this.transport.send(connectionId, {
        type: "error",
        code: "DUPLICATE_ID",
        message: `subscription id "${id}" is already in use on this connection`,
        id,
      });
      return;
    }
    try {
      this.functions.checkQuery(query, fromWire(args));
    } catch (error) {
      this.transport.send(connectionId, { type: "error", ...errorOf(error), id });
      return;
    }
    state.subscriptions[id] = { query, args: toWire(fromWire(args)), hash: null };
    this.transport.saveState(connectionId, state);
    await this.functions.exclusive(async () => {
      // It may have been unsubscribed (or the socket closed) while waiting for the lane.
      if (!this.connections.has(connectionId) || !state.subscriptions[id]) return;
      const update = await this.rerun(connectionId, state, id);
      this.sendTransition(connectionId, state, update ? [update] : [], true);
    });
  }

  private unsubscribe(connectionId: string, state: ConnectionState, id: string) {
    if (!state.subscriptions[id]) {
      this.transport.send(connectionId, {
        type: "error",
        code: "UNKNOWN_ID",
        message: `no subscription "${id}" on this connection`,
        id,
      });
      return;
    }
    delete state.subscriptions[id];
    this.forget(keyOf(connectionId, id));
    this.transport.saveState(connectionId, state);
  }

  private async mutate(
    connectionId: string,
    state: ConnectionState,
    requestId: string,
    name: string,
    args: unknown,
  ) {
    this.awaitingResult.set(requestId, connectionId);
    try {
      const outcome = await this.functions.runMutation(name, fromWire(args), state.identity, requestId);
      await this.invalidation;
      // A commit's invalidation already answered its caller (see invalidate); a mutation that
      // committed nothing, or a replayed request, is answered here.
      if (this.awaitingResult.get(requestId) === connectionId)
        this.sendResult(connectionId, requestId, outcome);
      // Read your own writes: a transition to the commit follows its result, so the caller can
      // settle optimistic updates even when none of its results changed.
      if (this.connections.has(connectionId) && state.version < outcome.commitVersion) {
        this.sendTransition(connectionId, state, [], true, outcome.commitVersion);
      }
    } catch (error) {
      if (this.connections.has(connectionId)) {
        this.transport.send(connectionId, {
          type: "mutationResult",
          requestId,
          ok: false,
          error: errorOf(error),
        });
      }
    } finally {
      if (this.awaitingResult.get(requestId) === connectionId) this.awaitingResult.delete(requestId);
    }
  }

  private sendResult(
    connectionId: string,
    requestId: string,
    outcome: { value: unknown; commitVersion: number },
  ): void {
    this.awaitingResult.delete(requestId);
    if (!this.connections.has(connectionId)) return;
    this.transport.send(connectionId, {
      type: "mutationResult",
      requestId,
      ok: true,
      value: toWire(outcome.value),
      commitVersion: outcome.commitVersion,
    });
  }

  private async invalidate(commit: CommitNotice): Promise<void> {
    // The caller hears its result before the commit's transitions: a client keeps an optimistic
    // update until a transition reaches the commit's version, so it must know that version by
    // the time the transition arrives, or it would apply the update twice.
    const caller = commit.requestId === undefined ? undefined : this.awaitingResult.get(commit.requestId);
    if (caller !== undefined && commit.requestId !== undefined)
      this.sendResult(caller, commit.requestId, commit);
    const touched = this.index.affectedBy(commit.writes);
    for (const key of this.unindexed) touched.add(key);
    const updates = new Map<string, QueryUpdate[]>();
    for (const key of touched) {
      const [connectionId, id] = splitKey(key);
      const state = this.connections.get(connectionId);
      if (!state?.subscriptions[id]) continue;
      const update = await this.rerun(connectionId, state, id);
      if (!update) continue;
      const list = updates.get(connectionId) ?? [];
      list.push(update);
      updates.set(connectionId, list);
    }
    for (const [connectionId, list] of updates) {
      const state = this.connections.get(connectionId);
      if (state) this.sendTransition(connectionId, state, list, false);
    }
  }

  /** Runs one subscription's query and registers its read set; null when the result did not change. */
  private async rerun(connectionId: string, state: ConnectionState, id: string): Promise<QueryUpdate | null> {
    const subscription = state.subscriptions[id]!;
    const key = keyOf(connectionId, id);
    this.unindexed.delete(key);
    let update: QueryUpdate;
    try {
      const outcome = await this.functions.runQuery(
        subscription.query,
        fromWire(subscription.args),
        state.identity,
      );
      this.index.set(key, outcome.readSet);
      update = { id, value: toWire(outcome.value) };
    } catch (error) {
      // A failing query stays subscribed; with no read set it re-runs on every commit until it recovers.
      this.index.delete(key);
      this.unindexed.add(key);
      update = { id, error: errorOf(error) };
    }
    const hash = hashResult(JSON.stringify(update));
    if (hash === subscription.hash) return null;
    subscription.hash = hash;
    return update;
  }

  private sendTransition(
    connectionId: string,
    state: ConnectionState,
    updates: QueryUpdate[],
    always: boolean,
    toVersion = this.functions.version(),
  ): void {
    if (updates.length === 0 && !always) return;
    const fromVersion = state.version;
    state.version = Math.max(state.version, toVersion);
    this.transport.saveState(connectionId, state);
    this.transport.send(connectionId, { type: "transition", fromVersion, toVersion: state.version, updates });
  }

  private forget(key: SubscriptionKey): void {
    this.index.delete(key);
    this.unindexed.delete(key);
  }
}
