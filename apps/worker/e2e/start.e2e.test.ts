import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type DevServer, startDevServer } from "./dev-server";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
}, 180_000);
afterAll(() => server?.stop(), 30_000);

/** A client that knows nothing but docs/protocol.md: JSON frames over a plain `ws` socket. */
async function plainClient(namespace: string) {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/api/${namespace}/ws`);
  const inbox: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data) => {
    inbox.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  return {
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    async next(match: (m: Record<string, unknown>) => boolean) {
      for (;;) {
        const index = inbox.findIndex(match);
        if (index >= 0) return inbox.splice(index, 1)[0]!;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => socket.once("close", () => resolve()).close()),
  };
}

describe("README line 1: the app on its embedded default", () => {
  it("serves the web page at / and JSON health at /api/health", async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('<div id="root">');
    const health = await fetch(`${server.url}/api/health`);
    expect(await health.json()).toMatchObject({ ok: true, globalBackend: "d1" });
  });

  it("a plain ws client sees another client's tasks:add arrive in its subscription", async () => {
    const namespace = `e2e-${Date.now()}`;
    const watcher = await plainClient(namespace);
    const writer = await plainClient(namespace);
    watcher.send({ type: "subscribe", id: "q1", query: "tasks:list", args: { list: "groceries" } });
    expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
      updates: [{ id: "q1", value: [] }],
    });
    writer.send({
      type: "mutate",
      requestId: "m1",
      mutation: "tasks:add",
      args: { list: "groceries", text: "milk" },
    });
    const result = await writer.next((m) => m.type === "mutationResult");
    expect(result).toMatchObject({ ok: true, commitVersion: expect.any(Number) });
    const arrived = await watcher.next((m) => m.type === "transition");
    expect(arrived).toMatchObject({
      toVersion: result.commitVersion,
      updates: [{ id: "q1", value: [{ text: "milk", done: false }] }],
    });
    await Promise.all([watcher.close(), writer.close()]);
  });
});
