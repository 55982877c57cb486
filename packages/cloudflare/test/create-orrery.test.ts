import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const base = "http://notes.test";
const ns = () => `notes-${crypto.randomUUID()}`;

async function openSocket(namespace: string): Promise<WebSocket> {
  const response = await exports.default.fetch(`${base}/v1/${namespace}/ws`, {
    headers: { Upgrade: "websocket" },
  });
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  socket.accept();
  return socket;
}

function nextMessage(socket: WebSocket, match: (m: Record<string, unknown>) => boolean) {
  return new Promise<Record<string, unknown>>((resolve) => {
    const listener = (event: MessageEvent) => {
      const message = JSON.parse(String(event.data)) as Record<string, unknown>;
      if (!match(message)) return;
      socket.removeEventListener("message", listener);
      resolve(message);
    };
    socket.addEventListener("message", listener);
  });
}

async function close(socket: WebSocket): Promise<void> {
  const closed = new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
  socket.close(1000, "done");
  await closed;
}

describe("createOrrery in a user's worker (its own bindings, mounted under /v1 in its own Hono app)", () => {
  it("keeps the user's own routes and serves Orrery's under the mount point", async () => {
    expect(await (await exports.default.fetch(`${base}/`)).text()).toBe("the user's own page");
    const health = await exports.default.fetch(`${base}/v1/health`);
    expect(await health.json()).toEqual({ ok: true, service: "orrery", globalBackend: "d1" });
  });

  it("runs an HTTP mutation in the namespace's Durable Object and reads it back", async () => {
    const namespace = ns();
    const added = await exports.default.fetch(`${base}/v1/${namespace}/mutations/notes:add`, {
      method: "POST",
      body: JSON.stringify({ board: "b", text: "hello" }),
    });
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ value: expect.any(String), commitVersion: 1 });
    const listed = await exports.default.fetch(`${base}/v1/${namespace}/queries/notes:list`, {
      method: "POST",
      body: JSON.stringify({ board: "b" }),
    });
    expect(await listed.json()).toMatchObject({ value: [{ board: "b", text: "hello" }] });
  });

  it("pushes a mutation to a live query over the WebSocket route", async () => {
    const namespace = ns();
    const [watcher, writer] = await Promise.all([openSocket(namespace), openSocket(namespace)]);
    const first = nextMessage(watcher, (m) => m.type === "transition");
    watcher.send(JSON.stringify({ type: "subscribe", id: "q", query: "notes:list", args: { board: "b" } }));
    expect(await first).toMatchObject({ updates: [{ id: "q", value: [] }] });
    const pushed = nextMessage(watcher, (m) => m.type === "transition");
    writer.send(
      JSON.stringify({
        type: "mutate",
        requestId: "m1",
        mutation: "notes:add",
        args: { board: "b", text: "live" },
      }),
    );
    expect(await pushed).toMatchObject({ updates: [{ id: "q", value: [{ text: "live" }] }] });
    await Promise.all([close(watcher), close(writer)]);
  });

  it("guards the admin route with the admin secret named in the options", async () => {
    const url = `${base}/v1/${ns()}/admin/migrate`;
    expect((await exports.default.fetch(url, { method: "POST" })).status).toBe(401);
    const ok = await exports.default.fetch(url, {
      method: "POST",
      headers: { authorization: "Bearer notes-admin-token" },
    });
    expect(await ok.json()).toEqual({ migrations: 1 });
  });

  it("answers an unknown route of orrery.worker with a JSON 404 naming it", async () => {
    const { standalone } = await import("./worker");
    const response = await standalone.fetch(new Request(`${base}/v1/x/elsewhere`), {});
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "NOT_FOUND", message: "no route GET /v1/x/elsewhere" },
    });
  });
});
