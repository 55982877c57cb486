import {
  type ClientMessage,
  fromWire,
  type ParseResult,
  parseClientMessage,
  toWire,
  wireErrorOf,
} from "@orrery/protocol";
import { requestScope } from "../commit/request-log";
import type { Identity, VerifiedIdentity } from "../functions/auth";
import type { WriteSet } from "../reactivity/read-write-sets";
import type { MutateOptions, ObservedQuery } from "../store";
import {
  AuthenticationOrder,
  applyIdentity,
  authenticationChange,
  authMessage,
  type IdentityChange,
  IdentityExpiry,
} from "./connection-identity";
import { type ConnectionState, newConnectionState } from "./connection-state";
import { type Member, type QueryGroup, QueryGroups } from "./query-groups";
import { Transitions } from "./transitions";

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
  /**
   * Verifies the token of an `authenticate` message, or throws: `UNAUTHENTICATED` naming why it
   * was refused, another code when it could not be checked. Without it, a socket takes no token.
   */
  verifyToken?(token: string): Promise<VerifiedIdentity>;
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

/** How the sync server reaches connections: send an encoded frame, and persist a connection's state. */
export interface SyncTransport {
  /** May throw (a closing socket): only that connection is affected. */
  send(connectionId: string, frame: string): void;
  /** Its subscriptions or identity changed: persist now. */
  saveState(connectionId: string, state: ConnectionState): void;
  /**
   * Only its version and result hashes moved (a transition went out). The transport may defer
   * this, as long as what it restores later is either the last state it was given or, when a
   * deferred save was cut short, a state with the hashes cleared: results are then sent again,
   * never skipped for a hash the client no longer holds.
   */
  saveProgress(connectionId: string, state: ConnectionState): void;
}

/** Subscriptions one connection may hold: each costs a re-run on every commit it touches. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 1000;

/**
 * Live queries for one namespace: keeps each connection's subscriptions, re-runs exactly the
 * queries a commit touches (once per distinct query, arguments and identity, however many
 * connections hold it), and sends each connection its changed results as one transition per
 * commit, in commit order. It knows nothing of sockets: the transport sends and persists.
 *
 * A commit's path: `receive(mutate)` → the store commits in its lane → the store calls
 * `committed(outcome)` still in that lane → the caller's `mutationResult`, then each
 * touched subscription's re-run, then one transition per connection, all before the next
 * mutation may commit.
 */
export class SyncServer {
  private readonly connections = new Map<string, ConnectionState>();
  private readonly groups = new QueryGroups();
  /** Wakes the retries up when no commit comes along to do it. */
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryAt = Number.POSITIVE_INFINITY;
  private readonly expiry = new IdentityExpiry();
  private readonly authenticating = new AuthenticationOrder();

  private readonly transitions: Transitions;

  constructor(
    private readonly functions: LiveFunctions,
    transport: SyncTransport,
  ) {
    this.transitions = new Transitions(this.connections, this.groups, functions, transport, (delay) =>
      this.scheduleRetry(delay),
    );
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** A new connection, or one restored from its saved state after the object woke up. */
  connect(
    connectionId: string,
    state: ConnectionState | null,
    identity: Identity | null = null,
    expiresAt: number | null = null,
  ): void {
    const restored = state ?? newConnectionState(identity, expiresAt);
    this.connections.set(connectionId, restored);
    this.expiry.note(restored.expiresAt);
    // Read sets live only in memory: a restored subscription's group re-runs on the next commit.
    for (const [id, subscription] of Object.entries(restored.subscriptions)) {
      const group = this.groups.join(
        { connectionId, id },
        subscription.query,
        subscription.args,
        restored.identity,
      );
      this.groups.forgetReads(group);
    }
    if (!state) this.transitions.save(connectionId, restored);
  }

  disconnect(connectionId: string): void {
    const state = this.connections.get(connectionId);
    if (!state) return;
    for (const id of Object.keys(state.subscriptions)) this.groups.leave({ connectionId, id });
    this.connections.delete(connectionId);
    this.authenticating.forget(connectionId);
  }

  receive(connectionId: string, frame: string | ArrayBuffer | ArrayBufferView): Promise<void> {
    const parsed = parseClientMessage(frame);
    const authenticates = parsed.ok && parsed.message.type === "authenticate";
    return this.authenticating.run(connectionId, authenticates, () => this.handle(connectionId, parsed));
  }

  private async handle(connectionId: string, parsed: ParseResult): Promise<void> {
    const state = this.connections.get(connectionId);
    if (!state) return;
    if (!parsed.ok) {
      this.transitions.sendMessage(connectionId, { type: "error", ...parsed.error });
      return;
    }
    // No frame runs under an identity whose token has expired.
    if (this.expiry.isDue(Date.now())) await this.functions.exclusive(() => this.expireDue());
    const message: ClientMessage = parsed.message;
    switch (message.type) {
      case "ping":
        // Answered in the lane, after every transition of the commits before it: a client
        // uses the pong as a barrier ("everything my mutation caused has reached me").
        await this.functions.exclusive(async () => {
          this.transitions.sendMessage(connectionId, { type: "pong" });
        });
        return;
      case "heartbeat":
        // The runtime answers the exact heartbeat frame itself (setWebSocketAutoResponse); one
        // that reaches the object anyway (another spelling of it) is answered at once, unlike
        // ping: it says only that the socket is alive, not that earlier commits were sent.
        this.transitions.sendMessage(connectionId, { type: "heartbeatAck" });
        return;
      case "subscribe":
        return this.subscribe(connectionId, state, message);
      case "unsubscribe":
        return this.unsubscribe(connectionId, state, message.id);
      case "mutate":
        return this.mutate(connectionId, state, message);
      case "authenticate": {
        const { verifyToken } = this.functions;
        const change = await authenticationChange(verifyToken, connectionId, state, message.token);
        return this.functions.exclusive(() => this.reidentify([change]));
      }
      default:
        message satisfies never;
    }
  }

  /**
   * In the lane: moves each connection's subscriptions to the groups of its new identity (an
   * `authenticate`, or an expired token), re-runs them, sends the results that changed, then
   * tells each connection who it is now (`{"type":"auth"}`).
   */
  private async reidentify(changes: readonly IdentityChange[]): Promise<void> {
    const rerun = new Set<QueryGroup>();
    for (const change of changes) {
      const { connectionId } = change;
      const state = this.connections.get(connectionId);
      if (!state) continue;
      this.expiry.note(change.expiresAt);
      if (applyIdentity(state, change))
        for (const [id, { query, args }] of Object.entries(state.subscriptions))
          rerun.add(this.groups.join({ connectionId, id }, query, args, state.identity));
      this.transitions.save(connectionId, state);
    }
    await this.transitions.rerun(rerun);
    for (const change of changes)
      if (this.connections.has(change.connectionId))
        this.transitions.sendMessage(change.connectionId, authMessage(change));
  }

  /** In the lane: identities whose token expired end; their queries re-run as anonymous. */
  private expireDue(): Promise<void> {
    return this.reidentify(this.expiry.takeExpired(this.connections, Date.now()));
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
      this.transitions.sendMessage(commit.origin, {
        type: "mutationResult",
        requestId: commit.requestId,
        ok: true,
        value: toWire(commit.value),
        commitVersion: commit.commitVersion,
      });
    }
    // Before any result of this commit goes out: none may reach an identity that has expired.
    await this.expireDue();
    const toVersion = this.functions.version();
    const updated = await this.invalidate(commit.writes, toVersion);
    // Read your own writes: even when none of its results changed, the caller gets a
    // transition to the commit, so it can settle optimistic updates.
    if (caller && commit.origin !== undefined && !updated.has(commit.origin)) {
      if (caller.version < commit.commitVersion)
        this.transitions.sendTransition(commit.origin, caller, [], toVersion);
    }
  }

  private async subscribe(
    connectionId: string,
    state: ConnectionState,
    message: Extract<ClientMessage, { type: "subscribe" }>,
  ): Promise<void> {
    const { id, query } = message;
    const refuse = (code: string, text: string): void => {
      this.transitions.sendMessage(connectionId, { type: "error", code, message: text, id });
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
    const subscription = { query, args: toWire(args), hash: message.hash ?? null };
    state.subscriptions[id] = subscription;
    const member: Member = { connectionId, id };
    this.groups.join(member, query, subscription.args, state.identity);
    this.transitions.save(connectionId, state);
    await this.functions.exclusive(async () => {
      // It may have been unsubscribed (or the socket closed) while waiting for the lane.
      const group = this.groups.groupOf(member);
      if (!group || this.connections.get(connectionId) !== state || state.subscriptions[id] !== subscription)
        return;
      const result = await this.transitions.run(group);
      const pending = result && this.transitions.pendingFor(member, result);
      const toVersion = this.functions.version();
      // A resumed subscription whose result the client already holds costs nothing to send.
      // Version 0 (no commit yet) is also a new connection's own: there, the empty transition
      // is the only sign the client gets that the results it holds are current.
      if (pending || state.version < toVersion || toVersion === 0)
        this.transitions.sendTransition(connectionId, state, pending ? [pending] : [], toVersion);
    });
  }

  private unsubscribe(connectionId: string, state: ConnectionState, id: string) {
    if (!state.subscriptions[id]) {
      this.transitions.sendMessage(connectionId, {
        type: "error",
        code: "UNKNOWN_ID",
        message: `no subscription "${id}" on this connection`,
        id,
      });
      return;
    }
    delete state.subscriptions[id];
    this.groups.leave({ connectionId, id });
    this.transitions.save(connectionId, state);
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
      this.transitions.sendMessage(connectionId, {
        type: "mutationResult",
        requestId,
        ok: false,
        error: wireErrorOf(error),
      });
    }
  }

  /** Re-runs what the writes touched; returns the connections that were sent a transition. */
  private invalidate(writes: WriteSet, toVersion: number): Promise<Set<string>> {
    return this.transitions.rerun(this.groups.touchedBy(writes, Date.now()), toVersion);
  }

  /**
   * A quiet namespace has no commit to re-run a failed subscription, so a timer does, in the
   * lane (it keeps the object awake only while some subscription is failing).
   */
  private scheduleRetry(delay: number): void {
    const at = Date.now() + delay;
    if (this.retryTimer !== null) {
      if (this.retryAt <= at) return;
      clearTimeout(this.retryTimer);
    }
    this.retryAt = at;
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
    await this.expireDue();
    const { due, nextInMs } = this.groups.dueRetries(Date.now());
    await this.transitions.rerun(due);
    if (nextInMs !== null) this.scheduleRetry(nextInMs);
  }
}
