import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../../worker/e2e/dev-server";
import { freshNamespace } from "../namespace";
import { account, addTask, launchChromium, openApp, openList, signIn, testOutput } from "./chromium";

let server: DevServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

/** The texts of a shown list's tasks, once none is still saving. */
async function taskNames(page: Page, list: string): Promise<string[]> {
  if ((await page.getByText("saving…").count()) > 0) return [];
  return page
    .getByRole("list", { name: `Tasks in ${list}` })
    .locator("label span")
    .allTextContents();
}

describe("signing in, in real Chromium", () => {
  it("shows who is signed in, and each person sees and changes only their own tasks", async () => {
    const namespace = freshNamespace("web-sign-in");
    // Two people, each in their own browser (contexts share no storage).
    const [aliceContext, bobContext] = await Promise.all([browser.newContext(), browser.newContext()]);
    const alice = await openApp(aliceContext, server.url, namespace, { as: null });
    await alice.getByText("Sign in to see your tasks.").waitFor();
    expect(await alice.getByLabel("New task").count()).toBe(0);

    await signIn(alice, "alice");
    expect(await account(alice).textContent()).toContain("Signed in as alice");
    await openList(alice, "inbox");
    await addTask(alice, "alice's milk");
    await alice.getByRole("checkbox", { name: "alice's milk" }).waitFor();

    const bob = await openApp(bobContext, server.url, namespace, { as: "bob" });
    await openList(bob, "inbox");
    await bob.getByText("No tasks in “inbox” yet.").waitFor();
    await addTask(bob, "bob's bread");
    await bob.getByRole("checkbox", { name: "bob's bread" }).waitFor();
    await expect.poll(() => taskNames(bob, "inbox")).toEqual(["bob's bread"]);
    // Alice's list never shows bob's task, though both are live on the same namespace.
    await addTask(alice, "alice's eggs");
    await expect.poll(() => taskNames(alice, "inbox")).toEqual(["alice's milk", "alice's eggs"]);
    await alice.screenshot({ path: new URL("sign-in.png", testOutput).pathname, fullPage: true });

    // A reload keeps the sign-in; signing out hides the tasks; signing in as bob shows his.
    await alice.reload();
    await account(alice).getByText("alice", { exact: true }).waitFor();
    await account(alice).getByRole("button", { name: "Sign out" }).click();
    await alice.getByText("Sign in to see your tasks.").waitFor();
    await signIn(alice, "bob");
    await openList(alice, "inbox");
    await expect.poll(() => taskNames(alice, "inbox")).toEqual(["bob's bread"]);
    await Promise.all([aliceContext.close(), bobContext.close()]);
  });
});
