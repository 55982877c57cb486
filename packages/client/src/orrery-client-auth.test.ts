import { functionReference } from "@orrery/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TokenFetcher } from "./auth/token-auth";
import { OrreryClient, type OrreryClientOptions } from "./orrery-client";
import { type FakeConnection, FakeServer } from "./testing/fake-server";

const api = {
  whoAmI: functionReference<"query", Record<string, never>, { subject: string } | null>("users:whoAmI"),
  summarize: functionReference<"action", Record<string, never>, string>("users:summarize"),
};

const base64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

/** A JWT-shaped token (the client never verifies one: it only reads `exp` to time refreshes). */
const jwtFor = (sub: string, expiresInSeconds = 3600) =>
  `${base64url({ alg: "ES256" })}.${base64url({ sub, exp: Math.floor(Date.now() / 1000) + expiresInSeconds })}.c2ln`;

const subjectOf = (token: string) => (JSON.parse(atob(token.split(".")[1] ?? "")) as { sub: string }).sub;

/** A server that verifies like the real one: tokens ending ".c2ln" are good, others refused. */
function verifyingServer(): FakeServer {
  const server = new FakeServer();
  const answer = (connection: FakeConnection, token: string | null) => {
    if (token === null) return connection.send({ type: "auth", subject: null });
    if (!token.endsWith(".c2ln"))
      return connection.send({
        type: "auth",
        subject: null,
        error: { code: "UNAUTHENTICATED", message: "the token's signature does not verify" },
      });
    connection.send({ type: "auth", subject: subjectOf(token) });
  };
  server.onConnect = (connection) => {
    const offered = connection.protocols.find((p) => p.startsWith("orrery.auth."));
    if (offered) answer(connection, offered.slice("orrery.auth.".length));
  };
  server.onMessage = (message, connection) => {
    if (message.type === "authenticate") answer(connection, message.token);
  };
  return server;
}

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  vi.useRealTimers();
});

function connect(server: FakeServer, options: Partial<OrreryClientOptions> = {}) {
  const client = new OrreryClient("http://orrery.test", {
    namespace: "team-1",
    WebSocket: server.WebSocket,
    reconnect: { minDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

/** A fetcher that hands out the tokens `make` makes, recording each call. */
function fetcher(make: (call: number) => string | null) {
  const calls: { forceRefreshToken: boolean }[] = [];
  const fetchToken: TokenFetcher = async (args) => {
    calls.push(args);
    return make(calls.length);
  };
  return { fetchToken, calls };
}

describe("OrreryClient.setAuth", () => {
  it("offers the token at the upgrade, before any subscription, and shows who the server says it is", async () => {
    const server = verifyingServer();
    const client = connect(server);
    const changes: boolean[] = [];
    const { fetchToken } = fetcher(() => jwtFor("alice"));
    client.setAuth(fetchToken, (isAuthenticated) => changes.push(isAuthenticated));
    expect(client.auth()).toEqual({ status: "authenticating" });
    client.watchQuery(api.whoAmI, {}, () => {});
    await vi.waitFor(() => expect(client.auth()).toEqual({ status: "authenticated", subject: "alice" }));
    const [connection] = server.connections;
    expect(connection?.protocols).toEqual([
      "orrery",
      expect.stringMatching(/^orrery\.auth\.[\w-]+\.[\w-]+\.c2ln$/),
    ]);
    expect(connection?.received.map((m) => m.type)).toEqual(["subscribe"]);
    expect(changes).toEqual([true]);
  });

  it("sends a new token on the live socket: switching user and signing out", async () => {
    const server = verifyingServer();
    const client = connect(server);
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    expect(server.current.protocols).toEqual(["orrery"]);
    client.setAuth(async () => jwtFor("alice"));
    await vi.waitFor(() => expect(client.auth()).toMatchObject({ subject: "alice" }));
    client.setAuth(async () => jwtFor("bob"));
    await vi.waitFor(() => expect(client.auth()).toMatchObject({ subject: "bob" }));
    const sent = server.current.ofType("authenticate").map((m) => m.token && subjectOf(m.token));
    expect(sent).toEqual(["alice", "bob"]);

    client.clearAuth();
    expect(client.auth()).toEqual({ status: "anonymous", error: null });
    expect(server.current.ofType("authenticate").at(-1)).toEqual({ type: "authenticate", token: null });
    // The next connection carries no token.
    server.current.drop();
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    expect(server.current.protocols).toEqual(["orrery"]);
  });

  it("refreshes the token on the live socket before it expires", async () => {
    const server = verifyingServer();
    const client = connect(server, { authRefreshLeewayMs: 500 });
    const { fetchToken, calls } = fetcher((call) =>
      jwtFor(call === 1 ? "alice" : "alice", call === 1 ? 2 : 3600),
    );
    client.setAuth(fetchToken);
    await vi.waitFor(() => expect(client.auth()).toMatchObject({ subject: "alice" }));
    const connection = server.current;
    await vi.waitFor(() => expect(connection.ofType("authenticate")).toHaveLength(1), { timeout: 4_000 });
    expect(calls.at(-1)).toEqual({ forceRefreshToken: true });
    expect(server.connections).toHaveLength(1);
    expect(client.auth()).toEqual({ status: "authenticated", subject: "alice" });
  });

  it("fetches a fresh token when the server says the held one expired, and is anonymous with the reason if that is refused too", async () => {
    const server = verifyingServer();
    const client = connect(server);
    const changes: boolean[] = [];
    const { fetchToken, calls } = fetcher((call) => (call === 1 ? jwtFor("alice") : "forged.token.sig"));
    client.setAuth(fetchToken, (isAuthenticated) => changes.push(isAuthenticated));
    await vi.waitFor(() => expect(client.auth()).toMatchObject({ subject: "alice" }));
    server.current.send({
      type: "auth",
      subject: null,
      error: { code: "UNAUTHENTICATED", message: "the token expired at 2026-01-01T00:00:00.000Z" },
    });
    await vi.waitFor(() => expect(client.auth().status).toBe("anonymous"));
    expect(calls).toEqual([{ forceRefreshToken: false }, { forceRefreshToken: true }]);
    expect(server.current.ofType("authenticate")).toEqual([
      { type: "authenticate", token: "forged.token.sig" },
    ]);
    expect(client.auth()).toMatchObject({
      error: { code: "UNAUTHENTICATED", message: "the token's signature does not verify" },
    });
    expect(changes).toEqual([true, false]);
  });

  it("after upgrades refused with a token, refetches, then sends it in a first message to hear why", async () => {
    const server = verifyingServer();
    server.refuseUpgrade = (protocols) => protocols.some((p) => p.startsWith("orrery.auth."));
    const client = connect(server, { onServerError: () => {} });
    const { fetchToken, calls } = fetcher((call) => `${jwtFor("alice")}${call}`);
    client.setAuth(fetchToken);
    await vi.waitFor(() => expect(client.auth().status).toBe("anonymous"));
    expect(client.auth()).toMatchObject({ error: { message: "the token's signature does not verify" } });
    const opened = server.connections.filter((c) => c.isOpen);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.protocols).toEqual(["orrery"]);
    expect(opened[0]?.received[0]).toMatchObject({ type: "authenticate" });
    expect(calls.slice(1).every((c) => c.forceRefreshToken)).toBe(true);
  });

  it("offline, a token fetch that fails keeps the held token and the signed-in state", async () => {
    const server = verifyingServer();
    const client = connect(server);
    const held = jwtFor("alice");
    const { fetchToken, calls } = fetcher((call) => {
      if (call > 1) throw new Error("fetch failed: offline");
      return held;
    });
    client.setAuth(fetchToken);
    await vi.waitFor(() => expect(client.auth()).toMatchObject({ subject: "alice" }));
    server.refuse = true;
    server.current.drop();
    // Refused attempts (the network, not the token): the client asks for a fresh token, in vain.
    await vi.waitFor(() => expect(calls.length).toBeGreaterThan(2));
    expect(client.auth()).toEqual({ status: "authenticated", subject: "alice" });
    server.refuse = false;
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    await vi.waitFor(() =>
      expect(server.current.ofType("authenticate")).toEqual([{ type: "authenticate", token: held }]),
    );
    expect(client.auth()).toEqual({ status: "authenticated", subject: "alice" });
  });

  it("sends a token that cannot be a subprotocol as the connection's first message", async () => {
    const server = verifyingServer();
    const client = connect(server);
    client.setAuth(async () => "opaque/token==");
    client.watchQuery(api.whoAmI, {}, () => {});
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    expect(server.current.protocols).toEqual(["orrery"]);
    await vi.waitFor(() =>
      expect(server.current.received[0]).toEqual({ type: "authenticate", token: "opaque/token==" }),
    );
  });

  it("sends the token as a bearer token with actions", async () => {
    const server = verifyingServer();
    const headers: Headers[] = [];
    const client = connect(server, {
      fetch: async (_url, init) => {
        headers.push(new Headers(init?.headers));
        return Response.json({ value: "ok" });
      },
    });
    await client.action(api.summarize, {});
    client.setAuth(async () => jwtFor("alice"));
    await client.action(api.summarize, {});
    expect(headers.map((h) => h.get("authorization"))).toEqual([
      null,
      expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.c2ln$/),
    ]);
  });
});
