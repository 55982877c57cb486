import type { Identity } from "../functions/auth";
import type { WireValue } from "../protocol/wire-value";

export interface SubscriptionState {
  readonly query: string;
  readonly args: WireValue;
  /** Hash of the last result sent, so an unchanged result is not sent again. */
  hash: string | null;
}

/**
 * Everything the server must remember about one connection, kept small and JSON-only so it
 * can live in the WebSocket's attachment and survive hibernation.
 */
export interface ConnectionState {
  /** The commit version the connection's results all reflect. */
  version: number;
  readonly identity: Identity | null;
  readonly subscriptions: Record<string, SubscriptionState>;
}

export function newConnectionState(identity: Identity | null): ConnectionState {
  return { version: 0, identity, subscriptions: {} };
}

/** A 53-bit string hash (cyrb53): results are compared by hash, never stored whole. */
export function hashResult(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
