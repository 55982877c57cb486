import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../../worker/e2e/dev-server";
import { callFunction } from "../http";
import { freshNamespace } from "../namespace";
import { addTask, connection, launchChromium, openApp, openList, testOutput } from "./chromium";
import { type CuttableProxy, startCuttableProxy } from "./cuttable-proxy";

let server: DevServer;
let browser: Browser;
let proxy: CuttableProxy;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchChromium()]);
  proxy = await startCuttableProxy(server.url);
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
}, 30_000);

describe("a tab that goes offline", () => {
  it("shows a task added offline at once, and stores it exactly once when back online", async () => {
    const namespace = freshNamespace("web-offline");
    const context = await browser.newContext();
    // The page talks to the app through a proxy that can cut its connections (see there why
    // not `context.setOffline`).
    const page = await openApp(context, proxy.url, namespace);
    await openList(page, "trip");

    proxy.cut();
    await page.locator('[aria-label="Connection"][data-state="closed"]').waitFor({ timeout: 5_000 });

    await addTask(page, "pack the tent");
    const task = page.getByRole("checkbox", { name: "pack the tent" });
    await task.waitFor();
    await expect.poll(() => connection(page).textContent()).toBe("Offline, reconnecting… · 1 change waiting");
    expect(await page.getByText("saving…").count()).toBe(1);
    mkdirSync(testOutput, { recursive: true });
    await page.screenshot({ path: new URL("offline.png", testOutput).pathname, fullPage: true });
    // Nothing reached the server while offline.
    expect(await callFunction(server.url, namespace, "queries", "tasks:list", { list: "trip" })).toEqual([]);

    proxy.restore();
    // Back online: the queued mutation is sent, and the indicator settles with none waiting.
    await expect.poll(() => connection(page).textContent(), { timeout: 20_000 }).toBe("Live");
    await expect.poll(() => page.getByText("saving…").count()).toBe(0);
    expect(await task.isVisible()).toBe(true);

    const stored = await callFunction(server.url, namespace, "queries", "tasks:list", { list: "trip" });
    expect(stored).toEqual([expect.objectContaining({ text: "pack the tent", done: false })]);
    // A fresh tab agrees: one task, not two.
    const fresh = await openApp(context, server.url, namespace);
    await openList(fresh, "trip");
    await fresh.getByRole("checkbox", { name: "pack the tent" }).waitFor();
    expect(await fresh.getByRole("checkbox").count()).toBe(1);
    await context.close();
  });

  it("re-sends a mutation whose answer was lost with the connection, and it still runs once", async () => {
    const namespace = freshNamespace("web-lost-reply");
    const context = await browser.newContext();
    const page = await openApp(context, proxy.url, namespace);
    await openList(page, "trip");

    // The server gets tasks:add and commits it, but its answer is held in the proxy…
    proxy.holdReplies();
    await addTask(page, "buy a map");
    await expect
      .poll(() => callFunction(server.url, namespace, "queries", "tasks:list", { list: "trip" }))
      .toEqual([expect.objectContaining({ text: "buy a map" })]);
    expect(await connection(page).textContent()).toBe("Live · 1 change waiting");
    // …and lost with the connection. The client must re-send it with the same requestId.
    proxy.cut();
    await page.locator('[aria-label="Connection"][data-state="closed"]').waitFor({ timeout: 5_000 });
    proxy.restore();
    await expect.poll(() => connection(page).textContent(), { timeout: 20_000 }).toBe("Live");

    expect(await callFunction(server.url, namespace, "queries", "tasks:list", { list: "trip" })).toEqual([
      expect.objectContaining({ text: "buy a map" }),
    ]);
    await expect.poll(() => page.getByRole("checkbox").count()).toBe(1);
    await context.close();
  });
});
