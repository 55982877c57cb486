import {
  type ClientMessage,
  fromWire,
  parseClientMessage,
  type QueryUpdate,
  type ServerMessage,
  toWire,
  type WireError,
  type WireValue,
  wireErrorOf,
} from "@orrery/protocol";
import { requestScope } from "../commit/request-log";
import type { Identity } from "../functions/auth";
import type { WriteSet } from "../reactivity/read-write-sets";
import { SubscriptionIndex } from "../reactivity/subscription-index";
import type { MutateOptions, ObservedQuery } from "../store";
import { type ConnectionState, hashResult, newConnectionState } from "./connection-state";

/** What the sync server needs from the function layer. */
export interface LiveFunctions {
  /** Throws (NOT_FOUND / INVALID_ARGUMENT) when `name` is no query or `args` do not fit it. */
  checkQuery(name: string, args: unknown): void;
  /** Runs a query; never throws, and reports what it read even when it failed. */
  observeQuery(name: string, args: unknown, identity: Identity | null): Promise<ObservedQuery<unknown>>;
  /**
   * Runs a mutation. Its success reaches {@link SyncServer.committed} from inside the store's
   * lane (with `options.origin`), so only a failure needs answering by the caller.
   */
  runMutation(
    name: string,
    args: unknown,
    identity: Identity | null,
    options: MutateOptions,
  ): Promise<unknown>;
  /** Runs `work` in the store's mutation lane, where it sees exactly one committed version. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** The latest committed version. */
  version(): number;
}

/** A mutation's success, as the store reports it to its commit listener. */
export interface CommitNotice {
  readonly writes: WriteSet;
  readonly commitVersion: number;
  readonly value: unknown;
  /** Set when the mutation answers a request id. */
  readonly requestId?: string;
  /** The connection that asked, when it came from a socket. */
  readonly origin?: string;
}

/** How the sync server reaches connections: send a message, and persist a connection's state. */
export interface SyncTransport {
  /** May throw (a closing socket): only that connection is affected. */
  send(connectionId: string, message: ServerMessage): void;
  saveState(connectionId: string, state: ConnectionState): void;
}

/** A subscription's new result, not yet sent: its hash is kept only once it was. */
interface PendingUpdate {
  readonly update: QueryUpdate;
  readonly hash: string;
}

/** Failures a query's reads do not explain (a database that is down): retried after a backoff. */
const TRANSIENT_CODES = new Set(["UNAVAILABLE", "OUTCOME_UNKNOWN", "INTERNAL"]);
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;

/** Subscriptions one connection may hold: each costs a re-run on every commit it touches. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 1000;

type SubscriptionKey = string;
const keyOf = (connectionId: string, id: string): SubscriptionKey => `${connectionId}\u0000${id}`;
const splitKey = (key: SubscriptionKey) => key.split("\u0000") as [string, string];

/**
 * Live queries for one namespace: keeps each connection's subscriptions, re-runs exactly the
 * ones a commit touches, and sends each connection its changed results as one transition per
 * commit, in commit order. It knows nothing of sockets: the transport sends and persists.
 *
 * A commit's path: `receive(mutate)` → the store commits in its lane → the store calls
 * `committed(outcome)` still in that lane → the caller's `mutationResult`, then each
 * touched subscription's re-run, then one transition per connection, all before the next
 * mutation may commit.
 */
export class SyncServer {
  private readonly connections = new Map<string, ConnectionState>();
  private readonly index = new SubscriptionIndex<SubscriptionKey>();
  /** Subscriptions restored after hibernation whose read sets are not known yet. */
  private readonly unindexed = new Set<SubscriptionKey>();
  /** Subscriptions that failed transiently: re-run by the first commit after `at`. */
  private readonly retrying = new Map<SubscriptionKey, { attempts: number; at: number }>();
  /** Wakes the retries up when no commit comes along to do it. */
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

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
    if (!state) this.save(connectionId, restored);
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
      this.send(connectionId, { type: "error", ...parsed.error });
      return;
    }
    const message: ClientMessage = parsed.message;
    switch (message.type) {
      case "ping":
        // Answered in the lane, after every transition of the commits before it: a client
        // uses the pong as a barrier ("everything my mutation caused has reached me").
        await this.functions.exclusive(async () => {
          this.send(connectionId, { type: "pong" });
        });
        return;
      case "subscribe":
        return this.subscribe(connectionId, state, message);
      case "unsubscribe":
        return this.unsubscribe(connectionId, state, message.id);
      case "mutate":
        return this.mutate(connectionId, state, message);
      default:
        message satisfies never;
    }
  }

  /**
   * Every successful mutation, from a socket, HTTP or an action, called by the store inside
   * its lane: answers the socket that asked, then re-runs the subscriptions the commit touched
   * and sends the transitions, before any later mutation can commit.
   */
  async committed(commit: CommitNotice): Promise<void> {
    const caller = commit.origin === undefined ? undefined : this.connections.get(commit.origin);
    // The caller hears its result before any transition to the commit's version: a client
    // keeps an optimistic update until a transition reaches that version, so it must know the
    // version first, or it would apply the update twice.
    if (caller && commit.origin !== undefined && commit.requestId !== undefined) {
      this.send(commit.origin, {
        type: "mutationResult",
        requestId: commit.requestId,
        ok: true,
        value: toWire(commit.value),
        commitVersion: commit.commitVersion,
      });
    }
    const toVersion = this.functions.version();
    const updated = commit.writes.length > 0 ? await this.invalidate(commit.writes, toVersion) : new Set();
    // Read your own writes: even when none of its results changed, the caller gets a
    // transition to the commit, so it can settle optimistic updates.
    if (caller && commit.origin !== undefined && !updated.has(commit.origin)) {
      if (caller.version < commit.commitVersion) this.sendTransition(commit.origin, caller, [], toVersion);
    }
  }

  private async subscribe(
    connectionId: string,
    state: ConnectionState,
    message: Extract<ClientMessage, { type: "subscribe" }>,
  ): Promise<void> {
    const { id, query } = message;
    const refuse = (code: string, text: string): void => {
      this.send(connectionId, { type: "error", code, message: text, id });
    };
    if (state.subscriptions[id]) {
      return refuse("DUPLICATE_ID", `subscription id "${id}" is already in use on this connection`);
    }
    if (Object.keys(state.subscriptions).length >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return refuse(
        "LIMIT_EXCEEDED",
        `a connection may hold at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions; unsubscribe from one first`,
      );
    }
    let args: unknown;
    try {
      args = fromWire(message.args);
      this.functions.checkQuery(query, args);
    } catch (error) {
      const { code, message: text } = wireErrorOf(error);
      return refuse(code, text);
    }
    state.subscriptions[id] = { query, args: toWire(args), hash: message.hash ?? null };
    this.save(connectionId, state);
    await this.functions.exclusive(async () => {
      // It may have been unsubscribed (or the socket closed) while waiting for the lane.
      if (!this.connections.has(connectionId) || !state.subscriptions[id]) return;
      const pending = await this.rerun(connectionId, state, id);
      const toVersion = this.functions.version();
      // A resumed subscription whose result the client already holds costs nothing to send.
      // Version 0 (no commit yet) is also a new connection's own: there, the empty transition
      // is the only sign the client gets that the results it holds are current.
      if (pending || state.version < toVersion || toVersion === 0)
        this.sendTransition(connectionId, state, pending ? [pending] : [], toVersion);
    });
  }

  private unsubscribe(connectionId: string, state: ConnectionState, id: string) {
    if (!state.subscriptions[id]) {
      this.send(connectionId, {
        type: "error",
        code: "UNKNOWN_ID",
        message: `no subscription "${id}" on this connection`,
        id,
      });
      return;
    }
    delete state.subscriptions[id];
    this.forget(keyOf(connectionId, id));
    this.save(connectionId, state);
  }

  private async mutate(
    connectionId: string,
    state: ConnectionState,
    message: Extract<ClientMessage, { type: "mutate" }>,
  ): Promise<void> {
    const { requestId } = message;
    try {
      // Answered from `committed`, inside the lane, when it succeeds.
      await this.functions.runMutation(message.mutation, fromWire(message.args), state.identity, {
        requestId,
        scope: requestScope(state.identity, message.clientId, `connection:${connectionId}`),
        origin: connectionId,
      });
    } catch (error) {
      this.send(connectionId, { type: "mutationResult", requestId, ok: false, error: wireErrorOf(error) });
    }
  }

  /** Re-runs what the writes touched; returns the connections that were sent a transition. */
  private async invalidate(writes: WriteSet, toVersion: number): Promise<Set<string>> {
    const touched = this.index.affectedBy(writes);
    for (const key of this.unindexed) touched.add(key);
    const now = Date.now();
    for (const [key, retry] of this.retrying) if (retry.at <= now) touched.add(key);
    const changed = new Map<string, PendingUpdate[]>();
    for (const key of touched) {
      const [connectionId, id] = splitKey(key);
      const state = this.connections.get(connectionId);
      if (!state?.subscriptions[id]) continue;
      const pending = await this.rerun(connectionId, state, id);
      if (!pending) continue;
      const list = changed.get(connectionId) ?? [];
      list.push(pending);
      changed.set(connectionId, list);
    }
    const sent = new Set<string>();
    for (const [connectionId, list] of changed) {
      const state = this.connections.get(connectionId);
      if (state && this.sendTransition(connectionId, state, list, toVersion)) sent.add(connectionId);
    }
    return sent;
  }

  /**
   * Runs one subscription's query and registers what it read (also when it failed, so a
   * failing query re-runs only when its reads change); null when the result did not change.
   */
  private async rerun(
    connectionId: string,
    state: ConnectionState,
    id: string,
  ): Promise<PendingUpdate | null> {
    const subscription = state.subscriptions[id]!;
    const key = keyOf(connectionId, id);
    this.unindexed.delete(key);
    const outcome = await this.functions.observeQuery(
      subscription.query,
      fromWire(subscription.args),
      state.identity,
    );
    // Unsubscribed, re-subscribed or disconnected while it ran: its result belongs to no one.
    if (this.connections.get(connectionId) !== state || state.subscriptions[id] !== subscription) return null;
    this.index.set(key, outcome.readSet);
    let body: { value: WireValue } | { error: WireError };
    if (outcome.ok) {
      body = { value: toWire(outcome.value) };
      this.retrying.delete(key);
    } else {
      body = { error: wireErrorOf(outcome.error) };
      this.noteFailure(key, body.error.code);
    }
    const hash = hashResult(JSON.stringify(body));
    if (hash === subscription.hash) return null;
    return { update: { id, ...body, hash }, hash };
  }

  /** Sends one transition; the connection's hashes and version move only if it went out. */
  private sendTransition(
    connectionId: string,
    state: ConnectionState,
    pending: readonly PendingUpdate[],
    toVersion: number,
  ): boolean {
    const fromVersion = state.version;
    const nextVersion = Math.max(state.version, toVersion);
    const sent = this.send(connectionId, {
      type: "transition",
      fromVersion,
      toVersion: nextVersion,
      updates: pending.map((p) => p.update),
    });
    if (!sent) {
      // Its hashes did not move, so re-running every subscription of the connection on the
      // next commit sends whatever it missed, not only what that commit touches.
      for (const id of Object.keys(state.subscriptions)) this.unindexed.add(keyOf(connectionId, id));
      return false;
    }
    state.version = nextVersion;
    for (const { update, hash } of pending) {
      const subscription = state.subscriptions[update.id];
      if (subscription) subscription.hash = hash;
    }
    this.save(connectionId, state);
    return true;
  }

  /** A send that fails (a closing socket) affects only its own connection. */
  private send(connectionId: string, message: ServerMessage): boolean {
    try {
      this.transport.send(connectionId, message);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A failure its reads do not explain (a database that is down) may pass: its reads may be
   * partial or none, so it re-runs on a later commit, backing off. Any other failure re-runs
   * only when what it read changes.
   */
  private noteFailure(key: SubscriptionKey, code: string): void {
    if (!TRANSIENT_CODES.has(code)) {
      this.retrying.delete(key);
      return;
    }
    const attempts = (this.retrying.get(key)?.attempts ?? 0) + 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
    this.retrying.set(key, { attempts, at: Date.now() + delay });
    this.scheduleRetry(delay);
  }

  /**
   * A quiet namespace has no commit to re-run a failed subscription, so a timer does, in the
   * lane (it keeps the object awake only while some subscription is failing).
   */
  private scheduleRetry(delay: number): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.functions
        .exclusive(() => this.retryDue())
        .catch((error: unknown) => {
          console.error("orrery: retrying failed subscriptions failed", error);
        });
    }, delay);
  }

  private async retryDue(): Promise<void> {
    const now = Date.now();
    const changed = new Map<string, PendingUpdate[]>();
    let next = Number.POSITIVE_INFINITY;
    for (const [key, retry] of [...this.retrying]) {
      if (retry.at > now) {
        next = Math.min(next, retry.at - now);
        continue;
      }
      const [connectionId, id] = splitKey(key);
      const state = this.connections.get(connectionId);
      if (!state?.subscriptions[id]) {
        this.retrying.delete(key);
        continue;
      }
      const pending = await this.rerun(connectionId, state, id);
      if (pending) changed.set(connectionId, [...(changed.get(connectionId) ?? []), pending]);
    }
    const toVersion = this.functions.version();
    for (const [connectionId, list] of changed) {
      const state = this.connections.get(connectionId);
      if (state) this.sendTransition(connectionId, state, list, toVersion);
    }
    if (Number.isFinite(next)) this.scheduleRetry(next);
  }

  /** A connection's state that cannot be saved (storage failing) is logged; others go on. */
  private save(connectionId: string, state: ConnectionState): void {
    try {
      this.transport.saveState(connectionId, state);
    } catch (error) {
      console.error(`orrery: could not save the state of connection ${connectionId}`, error);
    }
  }

  private forget(key: SubscriptionKey): void {
    this.index.delete(key);
    this.unindexed.delete(key);
    this.retrying.delete(key);
  }
}
