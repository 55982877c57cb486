import type { VerifiedIdentity } from "@orrery/store";
import type { WorkerEnv } from "../options";

/**
 * Turns a bearer token into the identity it proves, for every HTTP call, WebSocket upgrade and
 * `authenticate` message (`createOrrery({ auth })`; `jwt()` makes one). Throws an `OrreryError`:
 * `UNAUTHENTICATED` naming why the token was refused (never quoting it), or `UNAVAILABLE` when
 * it could not be checked (the issuer's keys unreachable).
 */
export interface TokenVerifier {
  verify(token: string, env: WorkerEnv): Promise<VerifiedIdentity>;
}

/** The verifier with the Worker env bound: what a socket's `authenticate` message is checked by. */
export const verifierIn =
  (auth: TokenVerifier, env: WorkerEnv) =>
  (token: string): Promise<VerifiedIdentity> =>
    auth.verify(token, env);
