import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SocketClient } from "./socket-client";

const ns = () => `idem-${crypto.randomUUID()}`;

const post = (namespace: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`http://orrery.test/api/${namespace}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const counter = async (namespace: string, name: string) =>
  ((await (await post(namespace, "queries/counters:get", { name })).json()) as { value: unknown }).value;

/** A mutate frame with an optional client id, answered on the same socket. */
async function mutate(client: SocketClient, requestId: string, args: unknown, clientId?: string) {
  client.send({
    type: "mutate",
    requestId,
    mutation: "counters:increment",
    args,
    ...(clientId === undefined ? {} : { clientId }),
  });
  return client.next((m) => m.type === "mutationResult" && m.requestId === requestId);
}

describe("idempotent mutations over HTTP", () => {
  it("a retried POST with the same Idempotency-Key runs once and answers the first result", async () => {
    const namespace = ns();
    const headers = { "idempotency-key": "k-1", "orrery-client-id": "client-a" };
    const first = await post(namespace, "mutations/counters:increment", { name: "c" }, headers);
    const again = await post(namespace, "mutations/counters:increment", { name: "c" }, headers);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    const firstBody = await first.json();
    expect(await again.json()).toEqual(firstBody);
    expect(firstBody).toMatchObject({ value: { $int64: "1" }, commitVersion: expect.any(Number) });
    expect(await counter(namespace, "c")).toEqual({ $int64: "1" });
  });

  it("the same Idempotency-Key from another client id runs as its own mutation", async () => {
    const namespace = ns();
    const a = await post(
      namespace,
      "mutations/counters:increment",
      { name: "c" },
      {
        "idempotency-key": "shared",
        "orrery-client-id": "client-a",
      },
    );
    const b = await post(
      namespace,
      "mutations/counters:increment",
      { name: "c" },
      {
        "idempotency-key": "shared",
        "orrery-client-id": "client-b",
      },
    );
    expect(await a.json()).toMatchObject({ value: { $int64: "1" } });
    expect(await b.json()).toMatchObject({ value: { $int64: "2" } });
    expect(await counter(namespace, "c")).toEqual({ $int64: "2" });
  });

  it("an HTTP retry of a socket's request (same client id and request id) is answered with the socket's result", async () => {
    const namespace = ns();
    const socket = await SocketClient.open(namespace);
    const viaSocket = await mutate(socket, "r-1", { name: "c" }, "client-a");
    const viaHttp = await post(
      namespace,
      "mutations/counters:increment",
      { name: "c" },
      {
        "idempotency-key": "r-1",
        "orrery-client-id": "client-a",
      },
    );
    expect(await viaHttp.json()).toEqual({ value: viaSocket.value, commitVersion: viaSocket.commitVersion });
    expect(await counter(namespace, "c")).toEqual({ $int64: "1" });
    await socket.close();
  });

  it("a retried POST after the handler's own verdict (INVALID_ARGUMENT) gets the same 400 answer", async () => {
    const namespace = ns();
    const headers = { "idempotency-key": "bad", "orrery-client-id": "client-a" };
    const first = await post(namespace, "mutations/counters:increment", { name: "c", by: 1.5 }, headers);
    const again = await post(namespace, "mutations/counters:increment", { name: "c", by: 1.5 }, headers);
    expect(first.status).toBe(400);
    expect(again.status).toBe(400);
    const body = await first.json();
    expect(body).toMatchObject({ error: { code: "INVALID_ARGUMENT" } });
    expect(await again.json()).toEqual(body);
  });

  it("refuses an anonymous Idempotency-Key without an Orrery-Client-Id, and runs nothing", async () => {
    const namespace = ns();
    const response = await post(
      namespace,
      "mutations/counters:increment",
      { name: "c" },
      {
        "idempotency-key": "k-1",
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "BAD_REQUEST", message: expect.stringContaining("Orrery-Client-Id") },
    });
    expect(await counter(namespace, "c")).toEqual({ $int64: "0" });
  });

  it("refuses an Idempotency-Key or Orrery-Client-Id that is empty or longer than 128 characters", async () => {
    const namespace = ns();
    const cases: [Record<string, string>, string][] = [
      [{ "idempotency-key": "k".repeat(129), "orrery-client-id": "client-a" }, "Idempotency-Key"],
      [{ "idempotency-key": "k-1", "orrery-client-id": "c".repeat(129) }, "Orrery-Client-Id"],
      [{ "idempotency-key": "", "orrery-client-id": "client-a" }, "Idempotency-Key"],
    ];
    for (const [headers, named] of cases) {
      const response = await post(namespace, "mutations/counters:increment", { name: "c" }, headers);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: "BAD_REQUEST", message: expect.stringContaining(named) },
      });
    }
    // 128 characters is fine.
    const longest = await post(
      namespace,
      "mutations/counters:increment",
      { name: "c" },
      {
        "idempotency-key": "k".repeat(128),
        "orrery-client-id": "c".repeat(128),
      },
    );
    expect(longest.status).toBe(200);
    expect(await counter(namespace, "c")).toEqual({ $int64: "1" });
  });

  it("a query ignores an Idempotency-Key; an action refuses one, since actions are not idempotent", async () => {
    const namespace = ns();
    const headers = { "idempotency-key": "k-1", "orrery-client-id": "client-a" };
    const query = await post(namespace, "queries/counters:get", { name: "c" }, headers);
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ value: { $int64: "0" } });
    const action = await post(namespace, "actions/orders:importLegacy", {}, headers);
    expect(action.status).toBe(400);
    expect(await action.json()).toMatchObject({
      error: { code: "BAD_REQUEST", message: expect.stringContaining("actions are not idempotent") },
    });
  });
});

describe("request ids over WebSockets are private to their client", () => {
  it("client B using client A's requestId runs its own mutation and never gets A's result", async () => {
    const namespace = ns();
    const [a, b, anonymous] = await Promise.all([
      SocketClient.open(namespace),
      SocketClient.open(namespace),
      SocketClient.open(namespace),
    ]);
    const fromA = await mutate(a, "r-1", { name: "c" }, "client-a");
    const fromB = await mutate(b, "r-1", { name: "c" }, "client-b");
    const fromAnonymous = await mutate(anonymous, "r-1", { name: "c" });
    expect(fromA).toMatchObject({ ok: true, value: { $int64: "1" } });
    expect(fromB).toMatchObject({ ok: true, value: { $int64: "2" } });
    expect(fromAnonymous).toMatchObject({ ok: true, value: { $int64: "3" } });
    expect(new Set([fromA.commitVersion, fromB.commitVersion, fromAnonymous.commitVersion]).size).toBe(3);
    await Promise.all([a.close(), b.close(), anonymous.close()]);
  });

  it("a socket without a client id dedupes only on its own connection", async () => {
    const namespace = ns();
    const first = await SocketClient.open(namespace);
    const once = await mutate(first, "r-1", { name: "c" });
    expect(await mutate(first, "r-1", { name: "c" })).toEqual(once);
    await first.close();
    const second = await SocketClient.open(namespace);
    expect(await mutate(second, "r-1", { name: "c" })).toMatchObject({ value: { $int64: "2" } });
    await second.close();
  });

  it("a retry with the same clientId on a new connection after a reconnect gets the recorded answer", async () => {
    const namespace = ns();
    const before = await SocketClient.open(namespace);
    const first = await mutate(before, "r-1", { name: "c" }, "client-a");
    await before.close();
    const after = await SocketClient.open(namespace);
    const retried = await mutate(after, "r-1", { name: "c" }, "client-a");
    expect(retried).toEqual(first);
    expect(first).toMatchObject({ ok: true, value: { $int64: "1" } });
    expect(await after.subscribe("q", "counters:get", { name: "c" })).toEqual({ $int64: "1" });
    await after.close();
  });
});
