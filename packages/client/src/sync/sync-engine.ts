import { type ClientMessage, type ServerMessage, toWire } from "@orrery/protocol";
import { OrreryClientError } from "../client-error";
import type { QueryResult } from "../query-result";
import { type MutationCompletion, MutationQueue, type ResendBackoff } from "./mutation-queue";
import { type OptimisticLocalStore, OptimisticUpdates } from "./optimistic-updates";
import { SubscriptionSet } from "./subscription-set";

/** What the caller must do after handing the engine an event. */
export interface SyncEffects {
  /** Messages to send now (the engine only returns them while it believes it is connected). */
  messages: ClientMessage[];
  /** Query tokens whose shown result changed: notify their listeners. */
  changed: string[];
  /** Mutations that are over: settle their promises. */
  completed: MutationCompletion[];
  /** Transitions were missed: drop the connection and start a new one. */
  reconnect: boolean;
  /** Server errors that belong to no query or mutation. */
  errors: OrreryClientError[];
  /**
   * A mutation answered `OUTCOME_UNKNOWN` waits to be re-sent: call `resendDue()` in this many
   * ms (a timer already set to fire sooner can stay; `resendDue` says when the next is due).
   */
  resendAfterMs: number | null;
  /** `maintenance` changed: notify its listeners. */
  maintenanceChanged: boolean;
}

/** The namespace is in maintenance: writes wait; `message` is the server's, for a banner. */
export interface Maintenance {
  readonly message: string;
}

const noEffects = (): SyncEffects => ({
  messages: [],
  changed: [],
  completed: [],
  reconnect: false,
  errors: [],
  resendAfterMs: null,
  maintenanceChanged: false,
});

/**
 * The whole client protocol with no socket: subscriptions, mutations and optimistic updates,
 * fed events (calls, connection up/down, server messages) and answering with effects. The
 * socket-owning `OrreryClient` only carries out what it returns, so every behavior here is
 * testable by feeding messages in and reading messages out.
 */
export class SyncEngine {
  readonly subscriptions = new SubscriptionSet();
  readonly mutations: MutationQueue;
  private readonly optimistic: OptimisticUpdates;
  private connected = false;
  private shownMaintenance: Maintenance | null = null;
  /** A connection opened under maintenance: its first frame says whether it is still on. */
  private awaitingFirstFrame = false;

  constructor(
    options: {
      newRequestId?: () => string;
      /** Sent with every mutation, to scope its request id (see `MutationQueue`). */
      clientId?: string;
      onOptimisticUpdateError?: (error: unknown) => void;
      /** The clock that times re-sends after `OUTCOME_UNKNOWN`; `Date.now` by default. */
      now?: () => number;
      /** Backoff of those re-sends: 500 ms doubling to 10 s by default. */
      resendBackoff?: ResendBackoff;
    } = {},
  ) {
    this.mutations = new MutationQueue(options.newRequestId, options.clientId, {
      now: options.now,
      resend: options.resendBackoff,
    });
    this.optimistic = new OptimisticUpdates(options.onOptimisticUpdateError);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Null unless the namespace is in maintenance (mutations then wait in the queue). */
  get maintenance(): Maintenance | null {
    return this.shownMaintenance;
  }

  /** The result to show for a query token: the server's, with pending optimistic updates. */
  result(token: string): QueryResult | undefined {
    return this.optimistic.shown(token, this.subscriptions.result(token));
  }

  subscribe(name: string, args: unknown): { token: string } & SyncEffects {
    const { token, messages } = this.subscriptions.add(name, toWire(args));
    return { token, ...noEffects(), messages: this.outgoing(messages) };
  }

  unsubscribe(token: string): SyncEffects {
    const effects = noEffects();
    effects.messages = this.outgoing(this.subscriptions.remove(token));
    // A layer may have set this query; its override must go with the subscription.
    if (this.optimistic.size > 0) effects.changed = this.recompute();
    return effects;
  }

  mutate(
    name: string,
    args: unknown,
    optimisticUpdate?: (localStore: OptimisticLocalStore) => void,
  ): { requestId: string } & SyncEffects {
    const { requestId, message, resendAfterMs } = this.mutations.enqueue(name, toWire(args));
    const effects = noEffects();
    if (optimisticUpdate) {
      this.optimistic.add(requestId, optimisticUpdate);
      effects.changed = this.recompute();
    }
    // Under maintenance it is held (no message): the probe timer decides when to try again.
    effects.messages = this.outgoing(message ? [message] : []);
    effects.resendAfterMs = resendAfterMs ?? null;
    return { requestId, ...effects };
  }

  onOpen(): SyncEffects {
    this.connected = true;
    this.awaitingFirstFrame = this.mutations.isHeld;
    const effects = noEffects();
    effects.messages = [
      ...this.subscriptions.messagesForReconnect(),
      ...this.mutations.messagesForReconnect(),
    ];
    return effects;
  }

  onClose(): SyncEffects {
    this.connected = false;
    const effects = noEffects();
    effects.changed = this.subscriptions.onDisconnect();
    return effects;
  }

  /** The client is closing for good: pending mutations fail, optimistic layers go. */
  close(): SyncEffects {
    this.connected = false;
    const effects = noEffects();
    effects.completed = this.mutations.failAll(
      new OrreryClientError("CLIENT_CLOSED", "the client was closed before the mutation completed"),
    );
    effects.changed = this.settle(effects.completed);
    return effects;
  }

  /**
   * The caller's re-send timer fired: re-sends the mutations whose `OUTCOME_UNKNOWN` backoff is
   * over (same requestId and clientId; offline they go on the next connect instead).
   */
  resendDue(): SyncEffects {
    const { messages, resendAfterMs } = this.mutations.resendDue();
    return { ...noEffects(), messages: this.outgoing(messages), resendAfterMs: resendAfterMs ?? null };
  }

  receive(message: ServerMessage): SyncEffects {
    const effects = noEffects();
    // While maintenance is on, a new connection's first frame says so; any other first frame
    // means it ended while this client was away.
    const ended = this.awaitingFirstFrame && message.type !== "maintenance";
    this.awaitingFirstFrame = false;
    const released = ended ? this.endMaintenance(effects) : [];
    switch (message.type) {
      case "transition": {
        const outcome = this.subscriptions.onTransition(message);
        switch (outcome.kind) {
          case "stale":
            break;
          case "gap":
            effects.reconnect = true;
            break;
          case "applied": {
            effects.completed = this.mutations.onTransition(message.toVersion);
            effects.changed = union(
              outcome.changed,
              this.settle(effects.completed, outcome.changed.length > 0),
            );
            break;
          }
          default:
            outcome satisfies never;
        }
        break;
      }
      case "mutationResult": {
        // With no queries there is nothing the write must show up in: it is complete.
        const held = this.subscriptions.size === 0 ? Number.POSITIVE_INFINITY : this.subscriptions.version;
        // OUTCOME_UNKNOWN and MAINTENANCE complete nothing: the mutation (and its optimistic
        // layer) stays, to be re-sent.
        const result = this.mutations.onResult(message, held);
        effects.completed = result.completed;
        effects.messages = this.outgoing(result.messages);
        effects.changed = this.settle(result.completed);
        effects.resendAfterMs = result.resendAfterMs ?? null;
        if (result.maintenance !== undefined) this.showMaintenance(result.maintenance, effects);
        if (result.released) this.endMaintenance(effects);
        break;
      }
      case "maintenance": {
        if (message.on) {
          this.mutations.holdForMaintenance();
          this.showMaintenance(message.message, effects);
        } else {
          effects.messages = this.outgoing(this.endMaintenance(effects));
        }
        break;
      }
      case "auth":
        // The client's `TokenAuth` follows it; the queries it re-ran arrived as a transition.
        break;
      case "heartbeatAck":
        // Only says the socket is alive: the client's `Heartbeat` heard it.
        break;
      case "pong": {
        effects.completed = this.mutations.onPong();
        effects.changed = this.settle(effects.completed);
        break;
      }
      case "error": {
        const error = new OrreryClientError(message.code, message.message);
        const token = message.id === undefined ? null : this.subscriptions.onQueryError(message.id, error);
        if (token !== null) {
          effects.changed = union([token], this.optimistic.size > 0 ? this.recompute() : []);
        } else if (message.id !== undefined && this.mutations.has(message.id)) {
          effects.completed = this.mutations.onError(message.id, error);
          effects.changed = this.settle(effects.completed);
        } else {
          effects.errors = [error];
        }
        break;
      }
      default:
        message satisfies never;
    }
    if (released.length > 0) effects.messages = [...this.outgoing(released), ...effects.messages];
    return effects;
  }

  get pendingMutations(): number {
    return this.mutations.pendingCount;
  }

  private showMaintenance(message: string, effects: SyncEffects): void {
    if (this.shownMaintenance?.message === message) return;
    this.shownMaintenance = { message };
    effects.maintenanceChanged = true;
  }

  /** Maintenance is over: returns the held mutations' messages, in call order, to send. */
  private endMaintenance(effects: SyncEffects): ClientMessage[] {
    if (this.shownMaintenance) {
      this.shownMaintenance = null;
      effects.maintenanceChanged = true;
    }
    return this.mutations.release();
  }

  private outgoing(messages: ClientMessage[]): ClientMessage[] {
    // Offline, nothing is sent: `onOpen` replays the whole state, so nothing is lost.
    return this.connected ? messages : [];
  }

  /**
   * Drops the optimistic layers of completed mutations and recomputes what is shown. Also
   * recomputes when server results changed, so the remaining layers re-apply over them.
   */
  private settle(completed: MutationCompletion[], serverChanged = false): string[] {
    let removed = false;
    for (const completion of completed) removed = this.optimistic.remove(completion.requestId) || removed;
    return removed || (serverChanged && this.optimistic.size > 0) ? this.recompute() : [];
  }

  private recompute(): string[] {
    return this.optimistic.recompute(this.subscriptions.entries(), (token) =>
      this.subscriptions.result(token),
    );
  }
}

function union(a: string[], b: string[]): string[] {
  return b.length === 0 ? a : [...new Set([...a, ...b])];
}
