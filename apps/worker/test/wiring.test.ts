import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

async function openSocket(namespace: string): Promise<WebSocket> {
  const response = await exports.default.fetch(`http://orrery.test/api/${namespace}/ws`, {
    headers: { Upgrade: "websocket" },
  });
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error("the upgrade response carried no WebSocket");
  socket.accept();
  return socket;
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.addEventListener("message", (event) => resolve(String(event.data)), { once: true });
  });
}

function closed(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => socket.addEventListener("close", () => resolve(), { once: true }));
}

describe("wiring", () => {
  it("answers /api/health with JSON", async () => {
    const response = await exports.default.fetch("http://orrery.test/api/health");
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toMatchObject({ ok: true, service: "orrery" });
  });

  it("opens a WebSocket to a GlobalStore Durable Object and gets a reply", async () => {
    const socket = await openSocket("wiring");
    const reply = nextMessage(socket);
    socket.send(JSON.stringify({ type: "ping" }));
    expect(JSON.parse(await reply)).toEqual({ type: "pong" });
    const done = closed(socket);
    socket.close(1000, "done");
    await done;
  });

  it("reads from the D1 binding", async () => {
    const row = await env.DB.prepare("select 41 + 1 as answer").first<{ answer: number }>();
    expect(row?.answer).toBe(42);
  });
});
