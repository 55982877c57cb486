import { env, exports } from "cloudflare:workers";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import { expect } from "vitest";
import { CONTROL_URL, ISSUER, type IssuerState, JWKS_URL } from "./stand-in-issuer";

export const BASE = "http://notes.test/v1";

/** A signing key of the stand-in issuer (or of nobody, for the wrong-key cases). */
export interface SigningKey {
  readonly alg: "ES256" | "RS256";
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(alg: "ES256" | "RS256", kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** Publishes the issuer's keys: its JWKS is these, from now on. */
export async function publish(...keys: SigningKey[]): Promise<void> {
  const response = await fetch(JWKS_URL, {
    method: "PUT",
    body: JSON.stringify({ keys: keys.map((k) => k.publicJwk) }),
  });
  expect(response.status).toBe(204);
}

export async function issuerState(change?: Partial<IssuerState>): Promise<IssuerState> {
  const response = await fetch(CONTROL_URL, change ? { method: "PUT", body: JSON.stringify(change) } : {});
  return (await response.json()) as IssuerState;
}

/** A token for `sub`: valid for an hour unless the claims say otherwise. */
export function token(
  key: SigningKey,
  claims: JWTPayload & { sub?: string } = {},
  options: { kid?: string; expiresIn?: string | number } = {},
): Promise<string> {
  const { sub = "alice", iss = ISSUER, aud = "notes", ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid })
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "1h")
    .sign(key.privateKey);
}

/** An HS256 token signed with the worker's development secret (or another). */
export function hs256(
  claims: JWTPayload = {},
  secret = env.NOTES_JWT_SECRET,
  expiresIn: string | number = "1h",
) {
  const { sub = "alice", iss = ISSUER, aud = "notes", ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** Calls a function over HTTP with a bearer token (or none). */
export function call(
  namespace: string,
  path: string,
  args: unknown,
  bearer: string | null,
  headers: Record<string, string> = {},
): Promise<Response> {
  return exports.default.fetch(`${BASE}/${namespace}/${path}`, {
    method: "POST",
    headers: { ...headers, ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }) },
    body: JSON.stringify(args),
  });
}

/** A WebSocket upgrade offering `orrery` and, with a token, `orrery.auth.<token>`. */
export function upgrade(namespace: string, bearer: string | null): Promise<Response> {
  return exports.default.fetch(`${BASE}/${namespace}/ws`, {
    headers: {
      Upgrade: "websocket",
      "Sec-WebSocket-Protocol": bearer === null ? "orrery" : `orrery, orrery.auth.${bearer}`,
    },
  });
}
