import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../../worker/e2e/dev-server";
import { callFunction } from "../http";
import { adminTokenArgs, setMaintenance } from "../maintenance";
import { freshNamespace } from "../namespace";
import { addTask, connection, launchChromium, openApp, openList, testOutput } from "./chromium";

const MESSAGE = "Moving to Postgres, back at 14:00";
const token = adminTokenArgs();
let server: DevServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(token.args), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  token.remove();
}, 30_000);

const stored = (namespace: string) =>
  callFunction(server.url, namespace, "queries", "tasks:list", { list: "move" }).then((tasks) =>
    (tasks as { text: string }[]).map((task) => task.text),
  );

describe("the page during maintenance", () => {
  it("shows a banner with the message; a task added meanwhile shows at once and is stored once when it ends", async () => {
    const namespace = freshNamespace("web-maintenance");
    const context = await browser.newContext();
    const page = await openApp(context, server.url, namespace);
    await openList(page, "move");
    const banner = page.getByRole("status", { name: "Maintenance" });
    expect(await banner.count()).toBe(0);
    await addTask(page, "before");
    await expect.poll(() => stored(namespace)).toEqual(["before"]);

    await setMaintenance(server.url, namespace, true, MESSAGE);
    await banner.waitFor({ timeout: 5_000 });
    expect(await banner.textContent()).toContain(MESSAGE);

    await addTask(page, "during");
    await page.getByRole("checkbox", { name: "during" }).waitFor();
    await expect.poll(() => connection(page).textContent()).toBe("Live · 1 change waiting");
    expect(await page.getByText("saving…").count()).toBe(1);
    mkdirSync(testOutput, { recursive: true });
    await page.screenshot({ path: new URL("maintenance.png", testOutput).pathname, fullPage: true });
    // Nothing reached the store; a tab opened now shows the banner too.
    expect(await stored(namespace)).toEqual(["before"]);
    const second = await openApp(context, server.url, namespace);
    await second.getByRole("status", { name: "Maintenance" }).waitFor({ timeout: 5_000 });

    await setMaintenance(server.url, namespace, false);
    await banner.waitFor({ state: "detached", timeout: 5_000 });
    await expect.poll(() => connection(page).textContent(), { timeout: 20_000 }).toBe("Live");
    expect(await page.getByText("saving…").count()).toBe(0);
    await second.getByRole("status", { name: "Maintenance" }).waitFor({ state: "detached", timeout: 5_000 });
    expect(await stored(namespace)).toEqual(["before", "during"]);
    await openList(second, "move");
    await second.getByRole("checkbox", { name: "during" }).waitFor();
    expect(await second.getByRole("checkbox").count()).toBe(2);
    await context.close();
  });
});
