import { OrreryError, type ServerMessage, type WireError, wireErrorOf } from "@orrery/protocol";
import type { Identity, VerifiedIdentity } from "../functions/auth";
import type { ConnectionState } from "./connection-state";

/** A connection's new identity, and why the old one ended when it was refused or expired. */
export interface IdentityChange {
  readonly connectionId: string;
  readonly identity: Identity | null;
  readonly expiresAt: number | null;
  readonly error?: WireError;
}

/** Sets a connection's identity and expiry; true when the identity changed (its queries re-run). */
export function applyIdentity(state: ConnectionState, change: IdentityChange): boolean {
  if (change.expiresAt === null) delete state.expiresAt;
  else state.expiresAt = change.expiresAt;
  // A fresh token of the same user is the same identity: only its expiry moves.
  if (JSON.stringify(state.identity) === JSON.stringify(change.identity)) return false;
  state.identity = change.identity;
  return true;
}

/** What a connection is told once its new identity is in place. */
export function authMessage({ identity, error }: IdentityChange): ServerMessage {
  const subject = identity?.subject ?? null;
  return error ? { type: "auth", subject, error } : { type: "auth", subject };
}

/**
 * What an `authenticate` message does: a verified token sets its identity, `null` signs out, a
 * refused token (`UNAUTHENTICATED`) ends the identity and says why. A token that could not be
 * checked (its keys unreachable) leaves the identity as it was, until that expires.
 */
export async function authenticationChange(
  verify: ((token: string) => Promise<VerifiedIdentity>) | undefined,
  connectionId: string,
  state: ConnectionState,
  token: string | null,
): Promise<IdentityChange> {
  if (token === null) return { connectionId, identity: null, expiresAt: null };
  try {
    if (!verify)
      throw new OrreryError("UNAUTHENTICATED", "this server takes no tokens: its app verifies none");
    const { identity, expiresAt } = await verify(token);
    return { connectionId, identity, expiresAt };
  } catch (failure) {
    const error = wireErrorOf(failure);
    return error.code === "UNAUTHENTICATED"
      ? { connectionId, identity: null, expiresAt: null, error }
      : { connectionId, identity: state.identity, expiresAt: state.expiresAt ?? null, error };
  }
}

/** When the soonest identity expires, so that checking for expired ones costs nothing until then. */
export class IdentityExpiry {
  private next = Number.POSITIVE_INFINITY;

  note(expiresAt: number | null | undefined): void {
    if (expiresAt !== null && expiresAt !== undefined) this.next = Math.min(this.next, expiresAt);
  }

  isDue(now: number): boolean {
    return now >= this.next;
  }

  /** The connections whose token has expired by `now`, each becoming anonymous. */
  takeExpired(connections: ReadonlyMap<string, ConnectionState>, now: number): IdentityChange[] {
    if (!this.isDue(now)) return [];
    this.next = Number.POSITIVE_INFINITY;
    const ended: IdentityChange[] = [];
    for (const [connectionId, { expiresAt }] of connections) {
      if (expiresAt === undefined) continue;
      if (expiresAt > now) this.note(expiresAt);
      else
        ended.push({
          connectionId,
          identity: null,
          expiresAt: null,
          error: {
            code: "UNAUTHENTICATED",
            message: `the token expired at ${new Date(expiresAt).toISOString()}: this connection is anonymous now; send a fresh token in an authenticate message`,
          },
        });
    }
    return ended;
  }
}

/**
 * Keeps each connection's frames in order behind its `authenticate`: verifying a token may
 * fetch keys, and a frame sent after it must run under the identity it sets.
 */
export class AuthenticationOrder {
  private readonly pending = new Map<string, Promise<void>>();

  run(connectionId: string, authenticates: boolean, work: () => Promise<void>): Promise<void> {
    const earlier = this.pending.get(connectionId);
    const done = earlier ? earlier.then(work) : work();
    if (!authenticates) return done;
    // Set before any await, so every frame that arrives later waits for this one.
    const tracked = done.catch(() => undefined);
    this.pending.set(connectionId, tracked);
    void tracked.then(() => {
      if (this.pending.get(connectionId) === tracked) this.pending.delete(connectionId);
    });
    return done;
  }

  forget(connectionId: string): void {
    this.pending.delete(connectionId);
  }
}
