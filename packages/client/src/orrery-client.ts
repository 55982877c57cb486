import type {
  ActionReference,
  FunctionArgs,
  FunctionReturn,
  MutationReference,
  QueryReference,
} from "@orrery/protocol";
import {
  type ClientMessage,
  encodeClientMessage,
  HEARTBEAT_REQUEST,
  HEARTBEAT_RESPONSE,
  parseServerMessage,
} from "@orrery/protocol";
import { WebSocket as ReconnectingWebSocket } from "partysocket";
import { type AuthState, TokenAuth, type TokenFetcher } from "./auth/token-auth";
import { queryTokenOf } from "./canonical-json";
import { OrreryClientError } from "./client-error";
import { resolveClientId } from "./client-id";
import type { ConnectionState } from "./connection-state";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat";
import { postFunction } from "./http-call";
import type { QueryResult } from "./query-result";
import type { MutationCompletion } from "./sync/mutation-queue";
import type { OptimisticUpdate } from "./sync/optimistic-updates";
import { type Maintenance, type SyncEffects, SyncEngine } from "./sync/sync-engine";

/** Any WebSocket class: the browser's, `ws` in Node, or a test double. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => unknown;

export interface OrreryClientOptions {
  /** The namespace to connect to: one Durable Object, the unit of consistency. */
  namespace: string;
  /** The WebSocket class; defaults to the global one. Pass `ws`'s in Node. */
  WebSocket?: WebSocketConstructor;
  /** For actions; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  onConnectionChange?: (state: ConnectionState) => void;
  /** The namespace went into maintenance (its message) or out of it (null). See `maintenance()`. */
  onMaintenanceChange?: (maintenance: Maintenance | null) => void;
  /** Server errors that belong to no query or mutation. Defaults to `console.error`. */
  onServerError?: (error: OrreryClientError) => void;
  /** Backoff between reconnect attempts; the delay grows by `growFactor` per failed try. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number; growFactor?: number };
  /**
   * Backoff before re-sending a mutation the server answered `OUTCOME_UNKNOWN` (its commit may
   * or may not have landed): it stays pending and is re-sent with the same requestId, the delay
   * doubling from `minDelayMs` (500) to `maxDelayMs` (10000), until a real answer comes. The
   * same backoff times the probes during maintenance (see `maintenance()`).
   */
  mutationResend?: { minDelayMs?: number; maxDelayMs?: number };
  /**
   * This client's lasting id (1 to 128 characters), which keeps its request ids its own on the
   * server. Defaults to a random UUID, kept in `localStorage` (when there is one) so it
   * survives reloads.
   */
  clientId?: string;
  /** How long before a token expires `setAuth`'s fetcher is asked for a fresh one. Default 10000. */
  authRefreshLeewayMs?: number;
  /**
   * Heartbeats on an idle socket (see `Heartbeat`): sent after `intervalMs` (15000) without a
   * frame from the server; no answer within `timeoutMs` (10000) replaces the socket. `false`
   * sends none.
   */
  heartbeat?: HeartbeatOptions | false;
}

export interface MutationOptions<Args> {
  optimisticUpdate?: OptimisticUpdate<Args>;
}

interface PendingMutation {
  resolve: (value: unknown) => void;
  reject: (error: OrreryClientError) => void;
}

type QueryListener = () => void;

/**
 * A client of one namespace: live queries and mutations over one WebSocket that reconnects
 * with backoff; actions over HTTP. The protocol logic lives in `SyncEngine`; this class owns
 * the socket, the listeners and the promises, and carries out the engine's effects.
 */
export class OrreryClient {
  /** Sent with every mutation and HTTP call (see {@link OrreryClientOptions.clientId}). */
  readonly clientId: string;
  private readonly engine: SyncEngine;
  private readonly socket: ReconnectingWebSocket;
  private readonly httpBase: string;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly listeners = new Map<string, Set<QueryListener>>();
  private readonly pendingMutations = new Map<string, PendingMutation>();
  private readonly connectionListeners = new Set<() => void>();
  private readonly maintenanceListeners = new Set<() => void>();
  private readonly onCloseCallbacks = new Set<() => void>();
  private readonly authListeners = new Set<() => void>();
  private readonly tokenAuth: TokenAuth;
  private onAuthChange: ((isAuthenticated: boolean) => void) | undefined;
  private connection: ConnectionState = { state: "connecting", pendingMutations: 0 };
  private closed = false;
  /** The one timer for `OUTCOME_UNKNOWN` re-sends, and when it fires. */
  private resendTimer: { handle: ReturnType<typeof setTimeout>; at: number } | null = null;
  private readonly heartbeat: Heartbeat | null;

  constructor(
    url: string,
    private readonly options: OrreryClientOptions,
  ) {
    const { http, ws } = endpoints(url, options.namespace);
    this.clientId = resolveClientId(options.clientId);
    this.engine = new SyncEngine({ clientId: this.clientId, resendBackoff: options.mutationResend });
    this.httpBase = http;
    this.fetchImpl = options.fetch;
    this.tokenAuth = new TokenAuth(
      {
        send: (message) => this.sendNow(message),
        changed: (state) => {
          if (state.status !== "authenticating") this.onAuthChange?.(state.status === "authenticated");
          for (const listener of [...this.authListeners]) listener();
        },
        report: (error) => this.reportServerError(error),
      },
      options.authRefreshLeewayMs ?? 10_000,
    );
    // Each attempt offers `orrery` and the current token (`orrery.auth.<token>`).
    this.socket = new ReconnectingWebSocket(ws, () => this.tokenAuth.protocols(), {
      WebSocket: options.WebSocket,
      minReconnectionDelay: options.reconnect?.minDelayMs ?? 500,
      maxReconnectionDelay: options.reconnect?.maxDelayMs ?? 10_000,
      reconnectionDelayGrowFactor: options.reconnect?.growFactor ?? 1.5,
      // The engine replays its whole state on every open; partysocket's own buffer of frames
      // sent while offline would send them twice.
      maxEnqueuedMessages: 0,
    });
    this.heartbeat =
      options.heartbeat === false
        ? null
        : new Heartbeat(
            options.heartbeat ?? {},
            () => this.socket.send(HEARTBEAT_REQUEST),
            () => this.socket.reconnect(),
          );
    this.socket.addEventListener("open", () => {
      this.heartbeat?.start();
      this.setConnection("open");
      // Before the replayed subscriptions, so they run under the current identity.
      for (const message of this.tokenAuth.onOpen()) this.socket.send(encodeClientMessage(message));
      this.apply(this.engine.onOpen());
    });
    this.socket.addEventListener("close", () => {
      this.heartbeat?.stop();
      this.setConnection("closed");
      this.tokenAuth.onClose(this.engine.isConnected);
      if (this.engine.isConnected) this.apply(this.engine.onClose());
    });
    this.socket.addEventListener("message", (event: MessageEvent) => this.onFrame(event.data));
  }

  /**
   * Subscribes to a live query; `listener` runs whenever its shown result changes (read it
   * with `queryResult`). Identical (name, args) watches share one server subscription.
   * Returns the function that stops watching.
   */
  watchQuery<Q extends QueryReference>(query: Q, args: FunctionArgs<Q>, listener: () => void): () => void {
    this.assertOpen();
    const { token, ...effects } = this.engine.subscribe(query.name, args);
    let set = this.listeners.get(token);
    if (!set) {
      set = new Set();
      this.listeners.set(token, set);
    }
    // Wrapped so the same function can watch twice and be removed twice.
    const own = () => listener();
    set.add(own);
    this.apply(effects);
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      const current = this.listeners.get(token);
      current?.delete(own);
      if (current?.size === 0) this.listeners.delete(token);
      if (!this.closed) this.apply(this.engine.unsubscribe(token));
    };
  }

  /** What the client shows for a query now: undefined while loading or when not watched. */
  queryResult<Q extends QueryReference>(
    query: Q,
    args: FunctionArgs<Q>,
  ): QueryResult<FunctionReturn<Q>> | undefined {
    // The engine holds results of every query; the reference's type says which this one is.
    return this.engine.result(queryTokenOf(query.name, args)) as QueryResult<FunctionReturn<Q>> | undefined;
  }

  /**
   * One result of a query. It subscribes and unsubscribes over the WebSocket rather than
   * calling an HTTP endpoint: the answer is then consistent with this client's own writes
   * (read-your-writes) and with its live queries, and a query already watched answers at once.
   */
  query<Q extends QueryReference>(query: Q, args: FunctionArgs<Q>): Promise<FunctionReturn<Q>> {
    return new Promise<FunctionReturn<Q>>((resolve, reject) => {
      if (this.closed) return reject(closedError());
      let unwatch: (() => void) | undefined;
      let done = false;
      const finish = () => {
        done = true;
        unwatch?.();
        this.onCloseCallbacks.delete(onClose);
      };
      const onClose = () => {
        finish();
        reject(closedError());
      };
      const check = () => {
        const result = this.queryResult(query, args);
        // A stale result is from before a reconnect; wait for the current one.
        if (done || !result || result.stale) return;
        finish();
        if (result.status === "value") resolve(result.value);
        else reject(result.error);
      };
      this.onCloseCallbacks.add(onClose);
      unwatch = this.watchQuery(query, args, check);
      check();
      if (done) unwatch();
    });
  }

  /**
   * Runs a mutation. Offline it waits and is sent on connect; a resend after a reconnect
   * keeps its requestId, so it runs once. Resolves once the client's results reflect it.
   * An `OUTCOME_UNKNOWN` answer does not settle it: it is re-sent with the same requestId
   * after a backoff (see {@link OrreryClientOptions.mutationResend}) until a real answer.
   */
  mutation<M extends MutationReference>(
    mutation: M,
    args: FunctionArgs<M>,
    options: MutationOptions<FunctionArgs<M>> = {},
  ): Promise<FunctionReturn<M>> {
    if (this.closed) return Promise.reject(closedError());
    const update = options.optimisticUpdate;
    const { requestId, ...effects } = this.engine.mutate(
      mutation.name,
      args,
      update ? (localStore) => update(localStore, args) : undefined,
    );
    const promise = new Promise<FunctionReturn<M>>((resolve, reject) => {
      this.pendingMutations.set(requestId, {
        // The server ran the mutation this reference names; its type says what it returned.
        resolve: (value) => resolve(value as FunctionReturn<M>),
        reject,
      });
    });
    this.apply(effects);
    return promise;
  }

  /** Runs an action over HTTP. It is not retried: actions may have effects outside Orrery. */
  async action<A extends ActionReference>(action: A, args: FunctionArgs<A>): Promise<FunctionReturn<A>> {
    this.assertOpen();
    const token = await this.tokenAuth.tokenForRequest();
    const headers: Record<string, string> = { "orrery-client-id": this.clientId };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const url = `${this.httpBase}/actions/${encodeURIComponent(action.name)}`;
    const fetchImpl = this.fetchImpl ?? globalThis.fetch;
    // The server ran the action this reference names; its type says what it returned.
    return (await postFunction(fetchImpl, url, args, headers, `action ${action.name}`)) as FunctionReturn<A>;
  }

  /**
   * Signs in: `fetchToken` gives a token (a JWT) for the user, or null; it is asked again,
   * with `forceRefreshToken: true`, before each token expires and when the server refuses one.
   * The socket carries the token at its upgrade, and a new one in an `authenticate` message
   * (live queries re-run for the new identity); HTTP calls send it as a bearer token. Calling it
   * again switches user. `onChange(isAuthenticated)` hears the server's verdicts.
   */
  setAuth(fetchToken: TokenFetcher, onChange?: (isAuthenticated: boolean) => void): void {
    this.assertOpen();
    this.onAuthChange = onChange;
    this.tokenAuth.set(fetchToken);
  }

  /** Signs out: the connection becomes anonymous and its live queries re-run as such. */
  clearAuth(): void {
    this.onAuthChange = undefined;
    this.tokenAuth.clear();
  }

  /** Who the server says this client is: `anonymous` (with why, if a token was refused), `authenticating`, or `authenticated` with its subject. */
  auth(): AuthState {
    return this.tokenAuth.state;
  }

  /** Runs `listener` whenever `auth()` changes; returns the unsubscribe. */
  subscribeToAuth(listener: () => void): () => void {
    const own = () => listener();
    this.authListeners.add(own);
    return () => this.authListeners.delete(own);
  }

  connectionState(): ConnectionState {
    return this.connection;
  }

  /**
   * `{ message }` while the namespace is in maintenance (the server said so, or refused a
   * mutation with `MAINTENANCE`), else null. Meanwhile mutations wait, with their optimistic
   * updates applied, and are sent when it ends; the same object until it changes.
   */
  maintenance(): Maintenance | null {
    return this.engine.maintenance;
  }

  /** Runs `listener` whenever `maintenance()` changes; returns the unsubscribe. */
  subscribeToMaintenance(listener: () => void): () => void {
    const own = () => listener();
    this.maintenanceListeners.add(own);
    return () => this.maintenanceListeners.delete(own);
  }

  /** Runs `listener` whenever `connectionState()` changes; returns the unsubscribe. */
  subscribeToConnectionState(listener: () => void): () => void {
    const own = () => listener();
    this.connectionListeners.add(own);
    return () => this.connectionListeners.delete(own);
  }

  /**
   * Closes the socket for good. Pending mutations (those waiting to be re-sent after
   * `OUTCOME_UNKNOWN` too, whose commit may have landed) and one-shot queries reject.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.resendTimer) clearTimeout(this.resendTimer.handle);
    this.resendTimer = null;
    this.tokenAuth.dispose();
    this.heartbeat?.stop();
    this.socket.close();
    this.apply(this.engine.close());
    for (const callback of [...this.onCloseCallbacks]) callback();
    this.setConnection("closed");
  }

  private onFrame(data: unknown): void {
    this.heartbeat?.heard();
    if (data === HEARTBEAT_RESPONSE) return;
    const message = typeof data === "string" ? parseServerMessage(data) : null;
    if (message === null) {
      this.reportServerError(
        new OrreryClientError("PROTOCOL", "the server sent a frame that is not a message"),
      );
      return;
    }
    if (message.type === "auth") this.tokenAuth.onMessage(message);
    this.apply(this.engine.receive(message));
  }

  private apply(effects: SyncEffects): void {
    for (const message of effects.messages) this.socket.send(encodeClientMessage(message));
    for (const completion of effects.completed) this.complete(completion);
    for (const token of effects.changed) {
      // A copy: listeners may unwatch (one-shot queries do) while being told.
      for (const listener of [...(this.listeners.get(token) ?? [])]) listener();
    }
    for (const error of effects.errors) this.reportServerError(error);
    if (effects.reconnect) this.socket.reconnect();
    if (effects.resendAfterMs !== null) this.scheduleResend(effects.resendAfterMs);
    if (effects.maintenanceChanged) {
      this.options.onMaintenanceChange?.(this.engine.maintenance);
      for (const listener of [...this.maintenanceListeners]) listener();
    }
    this.setConnection(this.connection.state);
  }

  /** Keeps one timer, set for the soonest re-send asked for; the engine says what is due. */
  private scheduleResend(afterMs: number): void {
    if (this.closed) return;
    const at = Date.now() + afterMs;
    if (this.resendTimer) {
      if (this.resendTimer.at <= at) return;
      clearTimeout(this.resendTimer.handle);
    }
    const handle = setTimeout(() => {
      this.resendTimer = null;
      if (!this.closed) this.apply(this.engine.resendDue());
    }, afterMs);
    this.resendTimer = { handle, at };
  }

  private complete(completion: MutationCompletion): void {
    const pending = this.pendingMutations.get(completion.requestId);
    if (!pending) return;
    this.pendingMutations.delete(completion.requestId);
    if (completion.ok) pending.resolve(completion.value);
    else pending.reject(completion.error);
  }

  private setConnection(state: ConnectionState["state"]): void {
    const next: ConnectionState = {
      state: this.closed ? "closed" : state,
      pendingMutations: this.engine.pendingMutations,
    };
    if (next.state === this.connection.state && next.pendingMutations === this.connection.pendingMutations)
      return;
    // A new object only on change, so `useSyncExternalStore` sees a stable snapshot.
    this.connection = next;
    this.options.onConnectionChange?.(next);
    for (const listener of [...this.connectionListeners]) listener();
  }

  /** Sends at once on an open connection; false when there is none (nothing is queued). */
  private sendNow(message: ClientMessage): boolean {
    if (this.closed || !this.engine.isConnected) return false;
    this.socket.send(encodeClientMessage(message));
    return true;
  }

  private reportServerError(error: OrreryClientError): void {
    if (this.options.onServerError) this.options.onServerError(error);
    else console.error(`orrery: ${error.code}: ${error.message}`);
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

/** `https://host` → `https://host/api/<ns>` for HTTP and `wss://host/api/<ns>/ws`. */
function endpoints(url: string, namespace: string): { http: string; ws: string } {
  const parsed = new URL(url);
  const secure = parsed.protocol === "https:" || parsed.protocol === "wss:";
  const path = `${parsed.pathname.replace(/\/+$/, "")}/api/${encodeURIComponent(namespace)}`;
  return {
    http: `${secure ? "https" : "http"}://${parsed.host}${path}`,
    ws: `${secure ? "wss" : "ws"}://${parsed.host}${path}/ws`,
  };
}

function closedError(): OrreryClientError {
  return new OrreryClientError("CLIENT_CLOSED", "the client is closed");
}
