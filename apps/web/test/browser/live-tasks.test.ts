import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../../worker/e2e/dev-server";
import { freshNamespace } from "../namespace";
import { addTask, launchChromium, openApp, openList } from "./chromium";

let server: DevServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** Two tabs of one person: one browser context, so they are as alike as two real tabs. */
async function twoTabs(list: string): Promise<{ context: BrowserContext; a: Page; b: Page }> {
  const namespace = freshNamespace("web-tasks");
  const context = await browser.newContext();
  const [a, b] = await Promise.all([
    openApp(context, server.url, namespace),
    openApp(context, server.url, namespace),
  ]);
  await Promise.all([openList(a, list), openList(b, list)]);
  return { context, a, b };
}

describe("task lists in two tabs of real Chromium", () => {
  it("a task added in one tab appears in the other within 2 seconds", async () => {
    const { context, a, b } = await twoTabs("groceries");
    const started = Date.now();
    await addTask(a, "buy milk");
    await b.getByRole("checkbox", { name: "buy milk" }).waitFor({ timeout: 2_000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2_000);
    // The adding tab shows it too, saved (the "saving…" badge of the optimistic row is gone).
    await a.getByRole("checkbox", { name: "buy milk" }).waitFor();
    await expect.poll(() => a.getByText("saving…").count()).toBe(0);
    console.log(`tasks:add reached the other tab in ${elapsed} ms`);
    await context.close();
  });

  it("toggle and remove reach the other tab", async () => {
    const { context, a, b } = await twoTabs("chores");
    await addTask(a, "sweep");
    await addTask(a, "dust");
    await b.getByRole("checkbox", { name: "dust" }).waitFor();

    await a.getByRole("checkbox", { name: "sweep" }).check();
    await expect.poll(() => b.getByRole("checkbox", { name: "sweep" }).isChecked()).toBe(true);
    await expect.poll(() => b.getByText("1 of 2 left").count()).toBe(1);

    await a.getByRole("button", { name: "Remove dust" }).click();
    await b.getByRole("checkbox", { name: "dust" }).waitFor({ state: "detached" });
    expect(
      await b.getByRole("list", { name: "Tasks in chores" }).getByRole("listitem").allTextContents(),
    ).toEqual(["sweep×"]);
    await context.close();
  });

  it("a mutation the server refuses is rolled back and explained next to the form", async () => {
    const { context, a } = await twoTabs("inbox");
    await addTask(a, "x".repeat(501));
    await expect
      .poll(() => a.getByRole("alert").textContent())
      .toContain("args.text: at most 500 characters (INVALID_ARGUMENT)");
    // The optimistic row is gone again.
    await expect.poll(() => a.getByRole("checkbox").count()).toBe(0);
    await a.getByRole("button", { name: "Dismiss" }).click();
    expect(await a.getByRole("alert").count()).toBe(0);
    await context.close();
  });
});
