import type { WireValue } from "@orrery/protocol";
import type { Identity } from "../functions/auth";

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
  /** Changed by an `authenticate` message, or to null when its token expires. */
  identity: Identity | null;
  /** When the identity's token expires (ms since the epoch); absent: it does not. */
  expiresAt?: number;
  readonly subscriptions: Record<string, SubscriptionState>;
}

export function newConnectionState(
  identity: Identity | null,
  expiresAt: number | null = null,
): ConnectionState {
  return expiresAt === null
    ? { version: 0, identity, subscriptions: {} }
    : { version: 0, identity, expiresAt, subscriptions: {} };
}

/** Results are compared by the hash the protocol defines, never stored whole. */
export { hashResult } from "@orrery/protocol";
