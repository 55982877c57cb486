import type { WorkerEnv } from "@orrery/cloudflare";
import { type CryptoKey, exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from "jose";

/**
 * A local development issuer, so sign-in works with no identity provider: an ES256 key pair
 * made on first use (in this isolate, which also runs the Durable Objects under `wrangler dev`),
 * tokens signed with it, and its public key as the JWKS `jwt()` verifies with. A restart makes
 * a new key pair: older tokens are then refused, and the client fetches a fresh one.
 */
export const DEV_ISSUER = "https://orrery.dev.local/";
export const DEV_AUDIENCE = "orrery-example";
/** The claim that makes a token's holder an admin (`createOrrery({ adminClaim })`). */
export const ADMIN_CLAIM = "orrery_admin";

/**
 * The var that turns the development issuer on: `pnpm start` passes `--var ORRERY_DEV_AUTH:on`
 * to `wrangler dev`; wrangler.jsonc does not set it, so a deploy has neither the token route
 * nor the development key.
 */
export const DEV_AUTH_VAR = "ORRERY_DEV_AUTH";

export function devAuthEnabled(env: WorkerEnv): boolean {
  return env[DEV_AUTH_VAR] === "on";
}

interface DevKeys {
  readonly privateKey: CryptoKey;
  readonly jwks: JSONWebKeySet;
}

// Made on first use: a Worker may not make random values while its module loads.
let keys: Promise<DevKeys> | null = null;

function devKeys(): Promise<DevKeys> {
  keys ??= (async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "orrery-dev", alg: "ES256", use: "sig" };
    return { privateKey, jwks: { keys: [jwk] } };
  })();
  return keys;
}

/** The development issuer's public keys; none unless it is on, so no token verifies. */
export async function devJwks(env: WorkerEnv): Promise<JSONWebKeySet> {
  return devAuthEnabled(env) ? (await devKeys()).jwks : { keys: [] };
}

/** A token for `user`, valid `ttlSeconds`; with `admin`, it carries the admin claim. */
export async function signDevToken(
  user: string,
  ttlSeconds: number,
  admin: boolean,
): Promise<{ token: string; expiresAt: number }> {
  const { privateKey } = await devKeys();
  const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({ name: user, ...(admin ? { [ADMIN_CLAIM]: true } : {}) })
    .setProtectedHeader({ alg: "ES256", kid: "orrery-dev" })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(user)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(privateKey);
  return { token, expiresAt: expiresAt * 1000 };
}
