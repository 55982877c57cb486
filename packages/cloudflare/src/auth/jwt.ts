import { OrreryError } from "@orrery/protocol";
import type { Identity, VerifiedIdentity } from "@orrery/store";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from "jose";
import type { WorkerEnv } from "../options";
import { refusalOf } from "./jwt-refusal";
import type { TokenVerifier } from "./token-verifier";

/** An issuer's public keys: its JWKS URL (fetched and cached), or the key set itself. */
export type JwksSource = string | URL | JSONWebKeySet;

export interface JwtOptions {
  /** The `iss` a token must carry (any one of several). */
  readonly issuer: string | readonly string[];
  /** The `aud` a token must carry (any one of several): your app's id at the issuer. */
  readonly audience: string | readonly string[];
  /**
   * The public keys of RS256/ES256 tokens: the issuer's JWKS URL, fetched on first use, kept
   * `jwksCache.maxAgeMs` and fetched again when a token names a key it lacks (key rotation);
   * or `{ keys: [...] }`; or a function of the Worker env giving either.
   */
  readonly jwks?: JwksSource | ((env: WorkerEnv) => JwksSource | Promise<JwksSource>);
  /**
   * The shared secret of HS256 tokens, or a function of the Worker env giving it. For
   * development: whoever can verify such a token can also make one.
   */
  readonly secret?: string | ((env: WorkerEnv) => string | undefined);
  /** Algorithms accepted. Default: RS256 and ES256 with `jwks`, HS256 with `secret`. */
  readonly algorithms?: readonly string[];
  /** Clock skew allowed on `exp` and `nbf`, in seconds. Default 0. */
  readonly clockToleranceSeconds?: number;
  /** A fetched JWKS is used for `maxAgeMs` (default 600000); refetched at most every `cooldownMs` (default 30000). */
  readonly jwksCache?: { readonly maxAgeMs?: number; readonly cooldownMs?: number };
}

/** Finds the key a token's header names, in a local set or a fetched one. */
type KeyGetter = (header: JWTHeaderParameters) => ReturnType<ReturnType<typeof createLocalJWKSet>>;

/** Claims about the token rather than the user: left out so one user's tokens are one identity. */
const TOKEN_CLAIMS = new Set(["exp", "iat", "nbf", "jti"]);

/**
 * Verifies JWTs with `jose`: the signature (RS256/ES256 through a JWKS, HS256 with a secret),
 * `iss`, `aud`, `exp` and `nbf`, and a `sub`. The identity is the claims, `subject` being `sub`;
 * `exp`, `iat`, `nbf` and `jti` describe the token, not the user, and are left out (the expiry
 * is kept beside the identity). `createOrrery({ app, migrations, auth: jwt({ … }) })`.
 */
export function jwt(options: JwtOptions): TokenVerifier {
  const { issuer, audience, jwks, secret } = options;
  if (jwks === undefined && secret === undefined)
    throw new Error("jwt(): give `jwks` (the issuer's key set or its URL) or `secret` (HS256), or both");
  const algorithms = [
    ...(options.algorithms ?? [
      ...(jwks === undefined ? [] : ["RS256", "ES256"]),
      ...(secret === undefined ? [] : ["HS256"]),
    ]),
  ];
  const remote = new Map<string, KeyGetter>();
  const local = new WeakMap<JSONWebKeySet, KeyGetter>();

  const keySetOf = async (env: WorkerEnv): Promise<{ getter: KeyGetter; url: string | null }> => {
    const source = typeof jwks === "function" ? await jwks(env) : jwks;
    if (source === undefined)
      throw new OrreryError("UNAUTHENTICATED", "this server verifies no RS256/ES256 tokens");
    if (typeof source !== "string" && !(source instanceof URL)) {
      const getter = local.get(source) ?? createLocalJWKSet(source);
      local.set(source, getter);
      return { getter, url: null };
    }
    const url = new URL(source);
    const getter =
      remote.get(url.href) ??
      createRemoteJWKSet(url, {
        ...(options.jwksCache?.maxAgeMs === undefined ? {} : { cacheMaxAge: options.jwksCache.maxAgeMs }),
        ...(options.jwksCache?.cooldownMs === undefined
          ? {}
          : { cooldownDuration: options.jwksCache.cooldownMs }),
      });
    remote.set(url.href, getter);
    return { getter, url: url.href };
  };

  return {
    async verify(token, env) {
      const key = async (header: JWTHeaderParameters) => {
        if (header.alg?.startsWith("HS")) {
          const shared = typeof secret === "function" ? secret(env) : secret;
          if (!shared) throw new OrreryError("UNAUTHENTICATED", "this server verifies no HS256 tokens");
          return new TextEncoder().encode(shared);
        }
        const { getter, url } = await keySetOf(env);
        try {
          return await getter(header);
        } catch (error) {
          const known =
            error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys;
          if (known || url === null) throw error;
          throw new OrreryError(
            "UNAVAILABLE",
            `the issuer's keys at ${url} could not be fetched (${error instanceof Error ? error.message : String(error)}); try again`,
          );
        }
      };
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          issuer: typeof issuer === "string" ? issuer : [...issuer],
          audience: typeof audience === "string" ? audience : [...audience],
          algorithms,
          requiredClaims: ["sub"],
          ...(options.clockToleranceSeconds === undefined
            ? {}
            : { clockTolerance: options.clockToleranceSeconds }),
        }));
      } catch (error) {
        throw refusalOf(error, { issuer, audience, algorithms });
      }
      return verifiedIdentityOf(payload);
    },
  };
}

function verifiedIdentityOf(payload: JWTPayload): VerifiedIdentity {
  if (typeof payload.sub !== "string" || payload.sub === "")
    throw new OrreryError("UNAUTHENTICATED", 'the token\'s "sub" claim must be a non-empty string');
  const claims: Record<string, unknown> = {};
  for (const [claim, value] of Object.entries(payload)) if (!TOKEN_CLAIMS.has(claim)) claims[claim] = value;
  const identity: Identity = { ...claims, subject: payload.sub };
  return { identity, expiresAt: typeof payload.exp === "number" ? payload.exp * 1000 : null };
}
