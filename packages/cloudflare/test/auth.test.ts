import { beforeAll, describe, expect, it } from "vitest";
import { JWKS_URL } from "./auth/stand-in-issuer";
import {
  call,
  hs256,
  issuerState,
  publish,
  type SigningKey,
  signingKey,
  token,
  upgrade,
} from "./auth/tokens";

const ns = () => `auth-${crypto.randomUUID()}`;

let es: SigningKey;
let rs: SigningKey;
/** Same kid as `es`, another key: what a forger who knows the kid signs with. */
let impostor: SigningKey;

beforeAll(async () => {
  [es, rs, impostor] = await Promise.all([
    signingKey("ES256", "es-1"),
    signingKey("RS256", "rs-1"),
    signingKey("ES256", "es-1"),
  ]);
  await publish(es, rs);
});

/** Flips one character of a token's signature, payload or header. */
function tamper(jwt: string, part: 0 | 1 | 2, replacement?: string): string {
  const parts = jwt.split(".");
  parts[part] = replacement ?? `${parts[part]?.slice(0, -2)}${parts[part]?.endsWith("AA") ? "BB" : "AA"}`;
  return parts.join(".");
}

const base64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

/** Every kind of bad token, and what the 401 must say about it. */
async function badTokens(): Promise<[string, string, RegExp][]> {
  const good = await token(es, { sub: "alice" });
  return [
    [
      "forged (another user in a signed token)",
      tamper(good, 1, base64url({ sub: "mallory", iss: "https://issuer.test/", aud: "notes", exp: 4e9 })),
      /signature does not verify/,
    ],
    ["forged (altered signature)", tamper(good, 2), /signature does not verify/],
    [
      "expired",
      await token(es, {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      /token expired at \d{4}-/,
    ],
    [
      "wrong audience",
      await token(es, { aud: "someone-else" }),
      /audience \(aud\) is "someone-else", expected "notes"/,
    ],
    [
      "wrong issuer",
      await token(es, { iss: "https://evil.test/" }),
      /issuer \(iss\) is "https:\/\/evil.test\/"/,
    ],
    ["wrong key, same kid", await token(impostor), /signature does not verify/],
    [
      "wrong key, unknown kid",
      await token(impostor, {}, { kid: "stranger" }),
      /no key of the issuer matches/,
    ],
    ["HS256 with another secret", await hs256({}, "not-the-secret"), /signature does not verify/],
    [
      "unsigned (alg none)",
      `${base64url({ alg: "none" })}.${base64url({ sub: "alice", iss: "https://issuer.test/", aud: "notes" })}.`,
      /not accepted here|malformed/,
    ],
    ["malformed", "not-a-jwt", /malformed/],
    ["malformed base64", "abc.def.ghi", /malformed/],
    [
      "no subject",
      await new (await import("jose")).SignJWT({})
        .setProtectedHeader({ alg: "ES256", kid: "es-1" })
        .setIssuer("https://issuer.test/")
        .setAudience("notes")
        .setExpirationTime("1h")
        .sign(es.privateKey),
      /no "sub" claim/,
    ],
  ];
}

describe("jwt() on HTTP calls", () => {
  it("gives a function the verified claims: subject is sub, token-only claims left out", async () => {
    const namespace = ns();
    for (const bearer of [
      await token(es, { sub: "alice", name: "Alice" }),
      await token(rs, { sub: "alice", name: "Alice" }),
      await hs256({ sub: "alice", name: "Alice" }),
    ]) {
      const response = await call(namespace, "queries/notes:whoAmI", {}, bearer);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        value: { subject: "alice", sub: "alice", name: "Alice", iss: "https://issuer.test/", aud: "notes" },
      });
    }
    const anonymous = await call(namespace, "queries/notes:whoAmI", {}, null);
    expect(await anonymous.json()).toEqual({ value: null });
  });

  it("refuses every bad token with a 401 naming why, without quoting the token, and runs nothing", async () => {
    const namespace = ns();
    for (const [what, bad, why] of await badTokens()) {
      for (const path of ["queries/notes:whoAmI", "mutations/notes:addMine", "actions/notes:addFromAction"]) {
        const response = await call(namespace, path, { text: "x", board: "b" }, bad);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(response.status, `${what} → ${path}`).toBe(401);
        expect(body, what).toEqual({
          error: { code: "UNAUTHENTICATED", message: expect.stringMatching(why) },
        });
        expect(body.error.message).not.toContain(bad.split(".")[2] || bad);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
      }
    }
    const written = await call(namespace, "queries/notes:list", { board: "b" }, null);
    expect(await written.json()).toEqual({ value: [] });
    const basic = await call(namespace, "queries/notes:whoAmI", {}, null, { authorization: "Basic YTpi" });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toMatchObject({
      error: { message: "the Authorization header must be `Bearer <token>`" },
    });
  });

  it("refuses the WebSocket upgrade of every bad token with a 401 and no socket", async () => {
    const namespace = ns();
    for (const [what, bad, why] of await badTokens()) {
      // A subprotocol is an HTTP token: a browser could not send the ones with other characters.
      if (!/^[\w.-]+$/.test(bad)) continue;
      const response = await upgrade(namespace, bad);
      expect(response.status, what).toBe(401);
      expect(response.webSocket, what).toBeNull();
      expect(await response.json(), what).toEqual({
        error: { code: "UNAUTHENTICATED", message: expect.stringMatching(why) },
      });
    }
  });

  it("fetches the JWKS once for many tokens, and again when a token names a rotated-in key", async () => {
    const namespace = ns();
    await call(namespace, "queries/notes:whoAmI", {}, await token(es));
    const before = (await issuerState()).fetches;
    for (let i = 0; i < 5; i++) {
      const response = await call(
        namespace,
        "queries/notes:whoAmI",
        {},
        await token(i % 2 ? es : rs, { sub: `u${i}` }),
      );
      expect(response.status).toBe(200);
    }
    expect((await issuerState()).fetches).toBe(before);

    // The issuer rotates: es-2 in, es-1 out. A token of the new key verifies at once.
    const next = await signingKey("ES256", "es-2");
    await publish(next, rs);
    const rotated = await call(namespace, "queries/notes:whoAmI", {}, await token(next, { sub: "bob" }));
    expect(await rotated.json()).toMatchObject({ value: { subject: "bob" } });
    expect((await issuerState()).fetches).toBe(before + 1);
    const retired = await call(namespace, "queries/notes:whoAmI", {}, await token(es));
    expect(retired.status).toBe(401);
    expect(await retired.json()).toMatchObject({
      error: { message: expect.stringMatching(/no key of the issuer matches/) },
    });
    await publish(es, rs);
  });

  it("answers 503 UNAVAILABLE naming the JWKS when the issuer's keys cannot be fetched", async () => {
    const unknownKid = await signingKey("ES256", "es-unfetchable");
    await issuerState({ down: true });
    try {
      const response = await call(ns(), "queries/notes:whoAmI", {}, await token(unknownKid));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        error: {
          code: "UNAVAILABLE",
          message: expect.stringContaining(`the issuer's keys at ${JWKS_URL} could not be fetched`),
        },
      });
    } finally {
      await issuerState({ down: false });
    }
  });
});
