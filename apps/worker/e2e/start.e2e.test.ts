import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "./dev-server";
import { devToken, plainClient } from "./plain-client";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
}, 180_000);
afterAll(() => server?.stop(), 30_000);

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
    // Signed in as one user on both: the development issuer is on under README line 1.
    const token = await devToken(server.url, "ada");
    const watcher = await plainClient(server.url, namespace, token);
    const writer = await plainClient(server.url, namespace, token);
    expect(await watcher.next((m) => m.type === "auth")).toEqual({ type: "auth", subject: "ada" });
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
