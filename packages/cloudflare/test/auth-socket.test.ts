import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hasUpdate, LiveSocket, updateOf } from "./auth/live-socket";
import { BASE, call, hs256 } from "./auth/tokens";

const ns = () => `live-${crypto.randomUUID()}`;
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe("identity on the WebSocket", () => {
  it("a token at the upgrade: answered with the orrery subprotocol, told its subject first, each user sees only their own", async () => {
    const namespace = ns();
    const alice = await LiveSocket.open(namespace, await hs256({ sub: "alice" }));
    const bob = await LiveSocket.open(namespace, await hs256({ sub: "bob" }));
    expect(await alice.next()).toEqual({ type: "auth", subject: "alice" });
    expect(await bob.next()).toEqual({ type: "auth", subject: "bob" });

    alice.send({ type: "subscribe", id: "mine", query: "notes:mine", args: {} });
    bob.send({ type: "subscribe", id: "mine", query: "notes:mine", args: {} });
    expect(updateOf(await alice.next(hasUpdate("mine")), "mine")).toEqual({
      id: "mine",
      value: [],
      hash: expect.any(String),
    });
    await bob.next(hasUpdate("mine"));

    alice.send({
      type: "mutate",
      requestId: "r1",
      mutation: "notes:addMine",
      args: { text: "alice's secret" },
    });
    expect(await alice.next((m) => m.type === "mutationResult")).toMatchObject({ ok: true });
    expect(updateOf(await alice.next(hasUpdate("mine")), "mine").value).toMatchObject([
      { text: "alice's secret" },
    ]);
    // Bob's query did not read alice's board: nothing of hers reaches him.
    expect(JSON.stringify(await bob.drain())).not.toContain("alice's secret");

    // A guessed request id is bob's own: his mutation runs, he is never sent alice's result.
    bob.send({ type: "mutate", requestId: "r1", mutation: "notes:addMine", args: { text: "bob's" } });
    const bobs = await bob.next((m) => m.type === "mutationResult");
    expect(bobs).toMatchObject({ ok: true, requestId: "r1" });
    const over = await call(namespace, "queries/notes:mine", {}, await hs256({ sub: "bob" }));
    expect(await over.json()).toMatchObject({ value: [{ _id: bobs.value, text: "bob's" }] });
    await Promise.all([alice.close(), bob.close()]);
  });

  it("takes the token from an Authorization header too, for clients that can set one; a forged identity header is ignored", async () => {
    const namespace = ns();
    const response = await exports.default.fetch(`${BASE}/${namespace}/ws`, {
      headers: {
        Upgrade: "websocket",
        authorization: `Bearer ${await hs256({ sub: "carol" })}`,
        "x-orrery-identity": JSON.stringify({ identity: { subject: "mallory" }, expiresAt: null }),
      },
    });
    expect(response.status).toBe(101);
    // No subprotocol offered: none is answered.
    expect(response.headers.get("sec-websocket-protocol")).toBeNull();
    const socket = response.webSocket!;
    socket.accept();
    const first = await new Promise<string>((resolve) =>
      socket.addEventListener("message", (event) => resolve(String(event.data)), { once: true }),
    );
    expect(JSON.parse(first)).toEqual({ type: "auth", subject: "carol" });
    socket.close(1000, "done");
  });

  it("authenticate on a live socket switches its identity: queries re-run for the new user, later frames run as them", async () => {
    const namespace = ns();
    await call(namespace, "mutations/notes:addMine", { text: "bob's note" }, await hs256({ sub: "bob" }));
    const socket = await LiveSocket.open(namespace, await hs256({ sub: "alice" }));
    await socket.next((m) => m.type === "auth");
    socket.send({ type: "subscribe", id: "mine", query: "notes:mine", args: {} });
    socket.send({ type: "subscribe", id: "who", query: "notes:whoAmI", args: {} });
    await socket.next(hasUpdate("mine"));
    await socket.next(hasUpdate("who"));

    socket.send({ type: "authenticate", token: await hs256({ sub: "bob" }) });
    socket.send({
      type: "mutate",
      requestId: "m",
      mutation: "notes:addMine",
      args: { text: "sent right after" },
    });
    const rerun = await socket.next((m) => m.type === "transition");
    expect(updateOf(rerun, "mine").value).toMatchObject([{ text: "bob's note" }]);
    expect(updateOf(rerun, "who").value).toMatchObject({ subject: "bob" });
    expect(await socket.next((m) => m.type === "auth")).toEqual({ type: "auth", subject: "bob" });
    await socket.next((m) => m.type === "mutationResult" && m.ok === true);
    const bobs = await call(namespace, "queries/notes:mine", {}, await hs256({ sub: "bob" }));
    expect(await bobs.json()).toMatchObject({
      value: [{ text: "bob's note" }, { text: "sent right after" }],
    });

    await socket.drain();
    // Signing out: anonymous, and the signed-in-only query says so.
    socket.send({ type: "authenticate", token: null });
    const out = await socket.next((m) => m.type === "transition");
    expect(updateOf(out, "mine").error).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(updateOf(out, "who").value).toBeNull();
    expect(await socket.next((m) => m.type === "auth")).toEqual({ type: "auth", subject: null });
    await socket.close();
  });

  it("a refused token in authenticate ends the identity and says why; no data of the old user follows", async () => {
    const namespace = ns();
    const socket = await LiveSocket.open(namespace, await hs256({ sub: "alice" }));
    expect(await socket.next()).toEqual({ type: "auth", subject: "alice" });
    socket.send({ type: "subscribe", id: "mine", query: "notes:mine", args: {} });
    await socket.next(hasUpdate("mine"));
    socket.send({ type: "authenticate", token: await hs256({ sub: "alice" }, "a-forger's-secret") });
    expect(updateOf(await socket.next(hasUpdate("mine")), "mine").error).toMatchObject({
      code: "UNAUTHENTICATED",
    });
    expect(await socket.next((m) => m.type === "auth")).toEqual({
      type: "auth",
      subject: null,
      error: { code: "UNAUTHENTICATED", message: expect.stringContaining("signature does not verify") },
    });
    await call(namespace, "mutations/notes:addMine", { text: "later" }, await hs256({ sub: "alice" }));
    expect(JSON.stringify(await socket.drain())).not.toContain("later");
    await socket.close();
  });

  it("an expired token ends the identity: the socket is told, and its queries re-run as anonymous", async () => {
    const namespace = ns();
    const socket = await LiveSocket.open(namespace, await hs256({ sub: "alice" }, undefined, inSeconds(2)));
    expect(await socket.next()).toEqual({ type: "auth", subject: "alice" });
    socket.send({ type: "subscribe", id: "mine", query: "notes:mine", args: {} });
    await socket.next(hasUpdate("mine"));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // Alice writes (over HTTP, with a fresh token); her expired socket must not get it.
    await call(namespace, "mutations/notes:addMine", { text: "after expiry" }, await hs256({ sub: "alice" }));
    const messages = await socket.drain();
    expect(JSON.stringify(messages)).not.toContain("after expiry");
    expect(messages).toContainEqual({
      type: "auth",
      subject: null,
      error: { code: "UNAUTHENTICATED", message: expect.stringContaining("the token expired at") },
    });
    const rerun = messages.find((m) => m.type === "transition" && hasUpdate("mine")(m));
    expect(rerun && updateOf(rerun, "mine").error).toMatchObject({ code: "UNAUTHENTICATED" });

    // A fresh token brings the identity back.
    socket.send({ type: "authenticate", token: await hs256({ sub: "alice" }) });
    expect(updateOf(await socket.next(hasUpdate("mine")), "mine").value).toMatchObject([
      { text: "after expiry" },
    ]);
    expect(await socket.next((m) => m.type === "auth")).toEqual({ type: "auth", subject: "alice" });
    await socket.close();
  });
});
