import type { SchemaDefinition } from "@orrery/schema";
import type { VerifiedIdentity } from "@orrery/store";
import type { OrreryConfig, WorkerEnv } from "../options";
import { bearerTokenOf } from "./bearer";

/**
 * The caller of an HTTP call or WebSocket upgrade: the token verified by `createOrrery`'s
 * `auth`, when it has one (no token: anonymous), else the app's own `defineApp({ auth })`.
 * `token` is the one the request carries elsewhere (a socket's subprotocol); by default, the
 * `Authorization: Bearer` header's. Throws what the verifier throws for a token it refuses.
 */
export async function identifyCaller<S extends SchemaDefinition>(
  config: OrreryConfig<S>,
  request: Request,
  env: WorkerEnv,
  token: string | null = null,
): Promise<VerifiedIdentity | null> {
  if (config.auth) {
    const bearer = token ?? bearerTokenOf(request);
    return bearer === null ? null : config.auth.verify(bearer, env);
  }
  const identity = await config.app.identify(request);
  return identity === null ? null : { identity, expiresAt: null };
}
