import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../../worker/e2e/dev-server";
import { freshNamespace } from "../namespace";
import { addTask, launchChromium, openApp, openList, testOutput } from "./chromium";

let server: DevServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

const counterValue = (page: Page) => page.getByLabel("Counter value").textContent();

describe("counter and orders in real Chromium", () => {
  it("the counter increments live in every tab", async () => {
    const namespace = freshNamespace("web-counter");
    const context = await browser.newContext();
    const [a, b] = await Promise.all([
      openApp(context, server.url, namespace),
      openApp(context, server.url, namespace),
    ]);
    await expect.poll(() => counterValue(b)).toBe("0");
    await a.getByRole("button", { name: "Increment" }).click();
    await a.getByRole("button", { name: "Increment" }).click();
    await expect.poll(() => counterValue(b)).toBe("2");
    await b.getByRole("button", { name: "Increment" }).click();
    await expect.poll(() => counterValue(a)).toBe("3");
    await context.close();
  });

  it("an order added through orders:upsert shows in the customer's table", async () => {
    const namespace = freshNamespace("web-orders");
    const context = await browser.newContext();
    const page = await openApp(context, server.url, namespace);
    await page.getByLabel("Customer").fill("globex");
    await page.getByLabel("Total").fill("42.5");
    await page.getByLabel("Status").selectOption("paid");
    await page.getByRole("button", { name: "Add order" }).click();
    const rows = page.getByRole("table", { name: "Orders of globex" }).getByRole("row");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).getByRole("cell").allTextContents()).toEqual(["$42.50", "paid", "Orrery"]);
    await context.close();
  });

  it("a failing action shows the server's error readably", async () => {
    const namespace = freshNamespace("web-import");
    const context = await browser.newContext();
    const page = await openApp(context, server.url, namespace);
    await page.getByRole("button", { name: "Import legacy orders" }).click();
    // The embedded default keeps `.global()` tables on D1: there is no legacy database to read.
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/needs a Hyperdrive backend.*\(INTERNAL\)/);
    // The button is usable again.
    expect(await page.getByRole("button", { name: "Import legacy orders" }).isEnabled()).toBe(true);
    await context.close();
  });

  it("writes a screenshot of the page in use for a reviewer", async () => {
    const namespace = freshNamespace("web-screenshot");
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await openApp(context, server.url, namespace);
    await openList(page, "groceries");
    for (const text of ["milk", "eggs", "coffee beans"]) await addTask(page, text);
    await page.getByRole("checkbox", { name: "coffee beans" }).waitFor();
    await page.getByRole("checkbox", { name: "eggs" }).check();
    for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Increment" }).click();
    await page.getByLabel("Total").fill("19.99");
    await page.getByRole("button", { name: "Add order" }).click();
    await page.getByRole("cell", { name: "$19.99" }).waitFor();
    await page.getByRole("button", { name: "Import legacy orders" }).click();
    await page.getByRole("alert").waitFor();
    await expect.poll(() => counterValue(page)).toBe("3");
    await expect.poll(() => page.getByText("saving…").count()).toBe(0);
    mkdirSync(testOutput, { recursive: true });
    const path = new URL("page.png", testOutput).pathname;
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
    await context.close();
  });
});
