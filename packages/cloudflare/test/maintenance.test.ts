import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { seedId } from "@orrery/schema";
import { describe, expect, it } from "vitest";

const base = "http://notes.test/v1";
const TOKEN = "notes-admin-token";
const ns = () => `maint-${crypto.randomUUID()}`;
const MESSAGE = "Moving to Postgres, back at 14:00";

type Message = Record<string, unknown> & { type: string };
type Note = { _id: string; board: string; text: string };

function admin(namespace: string, body?: unknown, token: string | null = TOKEN): Promise<Response> {
  return exports.default.fetch(`${base}/${namespace}/admin/maintenance`, {
    method: body === undefined ? "GET" : "POST",
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

async function setMaintenance(namespace: string, on: boolean, message?: string): Promise<unknown> {
  const response = await admin(namespace, message === undefined ? { on } : { on, message });
  expect(response.status).toBe(200);
  return response.json();
}

function call(namespace: string, kind: "queries" | "mutations" | "actions", name: string, args: unknown) {
  return exports.default.fetch(`${base}/${namespace}/${kind}/${name}`, {
    method: "POST",
    body: JSON.stringify(args),
  });
}

async function listNotes(namespace: string, board = "b"): Promise<string[]> {
  const response = await call(namespace, "queries", "notes:list", { board });
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: Note[] }).value.map((note) => note.text);
}

/** A raw protocol socket with a queue of what it received, to wait on. */
async function openSocket(namespace: string) {
  const response = await exports.default.fetch(`${base}/${namespace}/ws`, {
    headers: { Upgrade: "websocket" },
  });
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  const received: Message[] = [];
  let wake = () => {};
  socket.addEventListener("message", (event) => {
    received.push(JSON.parse(String(event.data)) as Message);
    wake();
  });
  socket.accept();
  const next = async (match: (m: Message) => boolean = () => true): Promise<Message> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const index = received.findIndex(match);
      if (index >= 0) return received.splice(index, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no matching message; have ${JSON.stringify(received)}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  return {
    received,
    next,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    mutate(requestId: string, args: unknown) {
      socket.send(JSON.stringify({ type: "mutate", requestId, mutation: "notes:add", args }));
      return next((m) => m.type === "mutationResult" && m.requestId === requestId);
    },
    close: () => socket.close(1000, "done"),
  };
}

const refusedBody = { error: { code: "MAINTENANCE", message: MESSAGE } };

describe("maintenance mode (POST /:namespace/admin/maintenance)", () => {
  it("answers 401 without the admin token, and names what is wrong with a bad body", async () => {
    const namespace = ns();
    for (const token of [null, "wrong-token"]) {
      expect((await admin(namespace, undefined, token)).status).toBe(401);
      expect((await admin(namespace, { on: true }, token)).status).toBe(401);
    }
    const refusals: [unknown, string][] = [
      ["not json", "the request body is not valid JSON"],
      [[true], "the body must be an object"],
      [{}, '"on" must be true or false'],
      [{ on: "yes" }, '"on" must be true or false'],
      [{ on: true, why: "x" }, 'unknown field "why"'],
      [{ on: false, message: "x" }, '"message" goes with "on": true'],
      [{ on: true, message: " " }, '"message" must be a non-empty string'],
      [{ on: true, message: "x".repeat(1001) }, "at most 1000 characters"],
    ];
    for (const [body, reason] of refusals) {
      const response = await admin(namespace, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: "BAD_REQUEST", message: expect.stringContaining(reason) },
      });
    }
    expect(await (await admin(namespace)).json()).toEqual({ namespace, on: false });
  });

  it("refuses HTTP mutations and actions with 503, Retry-After and MAINTENANCE, writing nothing; queries answer", async () => {
    const namespace = ns();
    expect((await call(namespace, "mutations", "notes:add", { board: "b", text: "before" })).status).toBe(
      200,
    );
    const before = Date.now();
    const on = await setMaintenance(namespace, true, MESSAGE);
    expect(on).toEqual({ namespace, on: true, message: MESSAGE, since: expect.any(Number) });
    expect((on as { since: number }).since).toBeGreaterThanOrEqual(before);

    for (const [kind, name] of [
      ["mutations", "notes:add"],
      ["actions", "notes:addFromAction"],
    ] as const) {
      const refused = await call(namespace, kind, name, { board: "b", text: "during" });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("30");
      expect(await refused.json()).toEqual(refusedBody);
    }
    expect(await listNotes(namespace)).toEqual(["before"]);
    expect(await (await admin(namespace)).json()).toEqual(on);

    // Without a message, callers are told a default one.
    await setMaintenance(namespace, true);
    const defaulted = await call(namespace, "mutations", "notes:add", { board: "b", text: "x" });
    expect(await defaulted.json()).toEqual({
      error: { code: "MAINTENANCE", message: expect.stringContaining("in maintenance") },
    });

    expect(await setMaintenance(namespace, false)).toEqual({ namespace, on: false });
    const after = await call(namespace, "actions", "notes:addFromAction", { board: "b", text: "after" });
    expect(after.status).toBe(200);
    expect(await listNotes(namespace)).toEqual(["before", "after"]);
  });

  it("over the socket: a failed mutationResult; subscriptions answer and stay live (a seed's write arrives); every socket hears on and off", async () => {
    const namespace = ns();
    const [watcher, writer] = [await openSocket(namespace), await openSocket(namespace)];
    watcher.send({ type: "subscribe", id: "q1", query: "notes:list", args: { board: "b" } });
    expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
      updates: [{ id: "q1", value: [] }],
    });

    await setMaintenance(namespace, true, MESSAGE);
    const told = { type: "maintenance", on: true, message: MESSAGE };
    expect(await watcher.next((m) => m.type === "maintenance")).toEqual(told);
    expect(await writer.next((m) => m.type === "maintenance")).toEqual(told);

    expect(await writer.mutate("m1", { board: "b", text: "during" })).toEqual({
      type: "mutationResult",
      requestId: "m1",
      ok: false,
      error: { code: "MAINTENANCE", message: MESSAGE },
    });
    // A new subscription answers during maintenance.
    writer.send({ type: "subscribe", id: "q2", query: "notes:list", args: { board: "b" } });
    expect(await writer.next((m) => m.type === "transition")).toMatchObject({
      updates: [{ id: "q2", value: [] }],
    });

    // The cutover writes through the admin seed route, which maintenance does not stop; the
    // live subscription sees it.
    const seeded = await exports.default.fetch(`${base}/${namespace}/admin/seed`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        tables: {
          notes: { rows: [{ _id: seedId("notes", { text: "migrated" }), board: "b", text: "migrated" }] },
        },
      }),
    });
    expect(seeded.status).toBe(200);
    expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
      updates: [{ id: "q1", value: [expect.objectContaining({ text: "migrated" })] }],
    });
    // So does admin migrate.
    const migrated = await exports.default.fetch(`${base}/${namespace}/admin/migrate`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(migrated.status).toBe(200);

    // A socket that connects during maintenance hears it first of all.
    const late = await openSocket(namespace);
    expect(await late.next()).toEqual(told);

    await setMaintenance(namespace, false);
    for (const socket of [watcher, writer, late])
      expect(await socket.next((m) => m.type === "maintenance")).toEqual({ type: "maintenance", on: false });
    expect(await writer.mutate("m1", { board: "b", text: "after" })).toMatchObject({ ok: true });
    // (Sorted: a seeded row's _id comes from its key, not the time.)
    expect((await listNotes(namespace)).sort()).toEqual(["after", "migrated"]);
    // No other maintenance message was sent, and a connection made now hears none.
    const fresh = await openSocket(namespace);
    fresh.send({ type: "ping" });
    expect(await fresh.next()).toEqual({ type: "pong" });
    for (const socket of [watcher, writer, late, fresh]) {
      expect(socket.received.filter((m) => m.type === "maintenance")).toEqual([]);
      socket.close();
    }
  });

  it("survives a restart of the object (a cold start reads it back) and hibernation", async () => {
    const namespace = ns();
    const stub = env.NOTES_STORE.getByName(namespace);
    const on = await setMaintenance(namespace, true, MESSAGE);

    // Restart: the object is torn down with its sockets; the next call starts a new one.
    await evictDurableObject(stub, { webSockets: "close" });
    expect(await (await admin(namespace)).json()).toEqual(on);
    const refused = await call(namespace, "mutations", "notes:add", { board: "b", text: "x" });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual(refusedBody);

    // Hibernation: the socket survives the eviction, the flag is read back on wake-up.
    const socket = await openSocket(namespace);
    expect(await socket.next()).toMatchObject({ type: "maintenance", on: true });
    await evictDurableObject(stub, { webSockets: "hibernate" });
    expect(await socket.mutate("m1", { board: "b", text: "x" })).toMatchObject({
      ok: false,
      error: { code: "MAINTENANCE", message: MESSAGE },
    });
    await evictDurableObject(stub, { webSockets: "hibernate" });
    await setMaintenance(namespace, false);
    // The hibernated socket hears that it ended, and its resend lands.
    expect(await socket.next((m) => m.type === "maintenance")).toEqual({ type: "maintenance", on: false });
    expect(await socket.mutate("m1", { board: "b", text: "x" })).toMatchObject({ ok: true });
    expect(await listNotes(namespace)).toEqual(["x"]);
    await evictDurableObject(stub, { webSockets: "close" });
    expect(await (await admin(namespace)).json()).toEqual({ namespace, on: false });
    socket.close();
  });

  it("once turning it on has answered, no mutation admitted before it is still to land", async () => {
    const namespace = ns();
    for (let round = 0; round < 5; round++) {
      const writes = Array.from({ length: 4 }, (_, i) =>
        call(namespace, "mutations", "notes:add", { board: "b", text: `r${round}-${i}` }),
      );
      await setMaintenance(namespace, true);
      const atOn = await listNotes(namespace);
      const statuses = await Promise.all(writes.map((write) => write.then((response) => response.status)));
      // Whatever the race's outcome, nothing landed after "on" answered, and each write either
      // landed (200) or was refused (503).
      expect(await listNotes(namespace)).toEqual(atOn);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      expect(atOn.filter((text) => text.startsWith(`r${round}-`))).toHaveLength(
        statuses.filter((status) => status === 200).length,
      );
      await setMaintenance(namespace, false);
    }
  });
});
