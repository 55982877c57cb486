/**
 * Who called a function. Same shape as Convex's `UserIdentity`: `subject` is the stable user
 * id, every other claim of the token is kept as is.
 */
export interface Identity {
  readonly subject: string;
  readonly [claim: string]: unknown;
}

export interface Auth {
  /** The caller's identity, or null for an anonymous call. */
  getUserIdentity(): Promise<Identity | null>;
}

/**
 * The `ctx.auth` of one call. The identity is copied and frozen so a handler that edits it
 * cannot change what the next function of the same call (an action's `runQuery`) sees.
 */
export function authFor(identity: Identity | null): Auth {
  const frozen = identity === null ? null : Object.freeze({ ...identity });
  return { getUserIdentity: async () => frozen };
}
