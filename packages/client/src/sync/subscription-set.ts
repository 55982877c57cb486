import { type ClientMessage, fromWire, type ServerMessage, type WireValue } from "@orrery/protocol";
import { canonicalJson, queryToken } from "../canonical-json";
import { OrreryClientError } from "../client-error";
import type { QueryResult } from "../query-result";

type TransitionMessage = Extract<ServerMessage, { type: "transition" }>;

/** One server subscription, shared by every listener of the same (name, args). */
export interface SubscriptionEntry {
  readonly id: string;
  readonly token: string;
  readonly name: string;
  readonly args: WireValue;
  /** The arguments as callers wrote them (bigint, bytes), for optimistic updates to match. */
  readonly decodedArgs: unknown;
}

interface Subscription extends SubscriptionEntry {
  refs: number;
  result: QueryResult | undefined;
  /** Canonical JSON of the last update, so a re-delivered identical result notifies no one. */
  resultKey: string | undefined;
  /**
   * The server's hash of `result`, sent back when re-subscribing after a reconnect so the
   * server skips the result if it did not change. Unset when `result` is not the server's.
   */
  hash: string | undefined;
}

export type TransitionOutcome =
  /** Applied; `changed` lists the tokens whose result is new. */
  | { kind: "applied"; changed: string[] }
  /** Older than a result already shown, or a duplicate: dropped. */
  | { kind: "stale" }
  /**
   * It starts after the last transition applied on this connection, so one was missed. The
   * results it would leave could mix versions; the caller should reconnect, which
   * re-subscribes everything and gets whole, current results.
   */
  | { kind: "gap" };

/**
 * The client's query subscriptions and their latest server results. Pure: every method
 * returns the messages to send, and the caller decides whether the socket is up to send them.
 */
export class SubscriptionSet {
  private nextId = 1;
  private readonly byToken = new Map<string, Subscription>();
  private readonly byId = new Map<string, Subscription>();
  /** Highest `toVersion` applied, over all connections: results never go back past it. */
  private appliedVersion = -1;
  /**
   * No transition applied yet on the current connection. The server starts each connection
   * afresh, so the first transition's `fromVersion` need not continue the previous one's.
   */
  private freshConnection = true;
  /**
   * Ids re-subscribed with the hash of the result they hold. The server sends nothing for
   * those whose result is unchanged, so the first transition on the new connection (which
   * tells which version the server holds) makes their held results current again.
   */
  private readonly resumed = new Set<string>();

  /** Adds a listener's interest; only the first interest in a (name, args) subscribes. */
  add(name: string, args: WireValue): { token: string; messages: ClientMessage[] } {
    const token = queryToken(name, args);
    const existing = this.byToken.get(token);
    if (existing) {
      existing.refs++;
      return { token, messages: [] };
    }
    // A fresh id every time, never a reused one: a late update for an id unsubscribed
    // earlier must not land on a new subscription of the same query.
    const id = `q${this.nextId++}`;
    const subscription: Subscription = {
      id,
      token,
      name,
      args,
      decodedArgs: fromWire(args),
      refs: 1,
      result: undefined,
      resultKey: undefined,
      hash: undefined,
    };
    this.byToken.set(token, subscription);
    this.byId.set(id, subscription);
    return { token, messages: [{ type: "subscribe", id, query: name, args }] };
  }

  /** Drops one interest; the last one to leave unsubscribes on the server. */
  remove(token: string): ClientMessage[] {
    const subscription = this.byToken.get(token);
    if (!subscription) return [];
    subscription.refs--;
    if (subscription.refs > 0) return [];
    this.byToken.delete(token);
    this.byId.delete(subscription.id);
    return [{ type: "unsubscribe", id: subscription.id }];
  }

  /**
   * Applies a transition unless it would show something older than what is shown. One that
   * ends at the version already held is applied: it carries first results of new
   * subscriptions at that version, or is a re-delivery whose identical results change nothing.
   */
  onTransition(message: TransitionMessage): TransitionOutcome {
    if (message.toVersion < this.appliedVersion) return { kind: "stale" };
    if (!this.freshConnection && message.fromVersion > this.appliedVersion) return { kind: "gap" };
    const changed: string[] = [];
    for (const update of message.updates) {
      // Updates for ids unsubscribed meanwhile are expected and dropped.
      const subscription = this.byId.get(update.id);
      if (!subscription) continue;
      this.resumed.delete(update.id);
      subscription.hash = typeof update.hash === "string" ? update.hash : undefined;
      const key =
        "error" in update
          ? `error:${update.error.code}:${update.error.message}`
          : canonicalJson(update.value);
      if (key === subscription.resultKey && subscription.result && !subscription.result.stale) continue;
      subscription.resultKey = key;
      subscription.result =
        "error" in update
          ? { status: "error", error: OrreryClientError.fromWire(update.error), stale: false }
          : { status: "value", value: fromWire(update.value), stale: false };
      changed.push(subscription.token);
    }
    // Resumed results the server did not re-send are unchanged: current as of this version.
    for (const id of this.resumed) {
      const subscription = this.byId.get(id);
      if (!subscription?.result?.stale) continue;
      subscription.result = { ...subscription.result, stale: false };
      changed.push(subscription.token);
    }
    this.resumed.clear();
    this.appliedVersion = message.toVersion;
    this.freshConnection = false;
    return { kind: "applied", changed };
  }

  /** A protocol error naming a subscription id (say UNKNOWN_ID): shown as that query's error. */
  onQueryError(id: string, error: OrreryClientError): string | null {
    const subscription = this.byId.get(id);
    if (!subscription) return null;
    subscription.result = { status: "error", error, stale: false };
    subscription.resultKey = undefined;
    subscription.hash = undefined;
    this.resumed.delete(id);
    return subscription.token;
  }

  /** The connection dropped: results stay shown, marked stale until re-delivered. */
  onDisconnect(): string[] {
    this.freshConnection = true;
    this.resumed.clear();
    const changed: string[] = [];
    for (const subscription of this.byToken.values()) {
      if (subscription.result && !subscription.result.stale) {
        subscription.result = { ...subscription.result, stale: true };
        changed.push(subscription.token);
      }
    }
    return changed;
  }

  /**
   * A new connection knows no subscriptions: subscribe to all of them again, same ids, each
   * with the hash of the result it holds, so the server sends only results that changed.
   */
  messagesForReconnect(): ClientMessage[] {
    this.freshConnection = true;
    this.resumed.clear();
    return [...this.byToken.values()].map((s): ClientMessage => {
      if (s.result === undefined || s.hash === undefined)
        return { type: "subscribe", id: s.id, query: s.name, args: s.args };
      this.resumed.add(s.id);
      return { type: "subscribe", id: s.id, query: s.name, args: s.args, hash: s.hash };
    });
  }

  result(token: string): QueryResult | undefined {
    return this.byToken.get(token)?.result;
  }

  has(token: string): boolean {
    return this.byToken.has(token);
  }

  entries(): SubscriptionEntry[] {
    return [...this.byToken.values()];
  }

  /** Highest version applied so far (-1 before the first transition). */
  get version(): number {
    return this.appliedVersion;
  }

  get size(): number {
    return this.byToken.size;
  }
}
