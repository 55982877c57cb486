import { OrreryError } from "@orrery/protocol";

/**
 * Who called a function. Same shape as Convex's `UserIdentity`: `subject` is the stable user
 * id, every other claim of the token is kept as is.
 */
export interface Identity {
  readonly subject: string;
  readonly [claim: string]: unknown;
}

/**
 * A verified token: the identity it proves, and when it stops proving it (ms since the epoch;
 * null: never). The time is kept beside the identity, not in it, so two tokens of one user are
 * one identity (their live queries share one re-run).
 */
export interface VerifiedIdentity {
  readonly identity: Identity;
  readonly expiresAt: number | null;
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

/**
 * The caller's identity, or `UNAUTHENTICATED` (401 over HTTP) for an anonymous call:
 * `const user = await requireUser(ctx)` at the top of a function only signed-in users may call.
 */
export async function requireUser(ctx: { readonly auth: Auth }): Promise<Identity> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null)
    throw new OrreryError(
      "UNAUTHENTICATED",
      "sign in first: this function needs a signed-in user (send a token: Authorization: Bearer <token> over HTTP, setAuth in the client)",
    );
  return identity;
}
