import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { USER } from "../sign-in";

const executablePath = "/usr/bin/chromium";

/** Debian's Chromium, headless. README line 2 installs it; a bare `vitest run` may not have. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath))
    throw new Error(
      `${executablePath} is missing: run \`node scripts/ensure-system-deps.mjs --chromium\` ` +
        "(as root; README line 2 does this) and try again.",
    );
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      // Without these Chromium phones home at start, and this machine's closed network
      // answers by refusing its connections.
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Opens the page on `namespace`, waits until its socket is open and, unless `as` is null, signs
 * in as that user (tasks are per user; the tabs of one context share the sign-in).
 */
export async function openApp(
  context: BrowserContext,
  baseUrl: string,
  namespace: string,
  { as = USER }: { as?: string | null } = {},
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/?ns=${encodeURIComponent(namespace)}`);
  await connection(page).and(page.locator('[data-state="open"]')).waitFor();
  if (as !== null) await signIn(page, as);
  return page;
}

/** Who the page says is signed in: "Signed in as <name>" and Sign out. */
export function account(page: Page) {
  return page.getByRole("status", { name: "Account" });
}

/** Signs in through the page's form, unless the tab already is (resumed from another tab). */
export async function signIn(page: Page, user: string): Promise<void> {
  const form = page.getByRole("form", { name: "Sign in" });
  await account(page)
    .or(form.getByRole("button", { name: "Sign in", exact: true }))
    .waitFor();
  if ((await form.count()) > 0) {
    await form.getByLabel("Name").fill(user);
    await form.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await account(page).getByText(user, { exact: true }).waitFor();
}

/** The connection indicator; its `data-state` is connecting, open or closed. */
export function connection(page: Page) {
  return page.getByRole("status", { name: "Connection" });
}

/** Adds a task through the form, as a person would. */
export async function addTask(page: Page, text: string): Promise<void> {
  await page.getByLabel("New task").fill(text);
  await page.getByLabel("New task").press("Enter");
}

export async function openList(page: Page, list: string): Promise<void> {
  await page.getByLabel("List", { exact: true }).fill(list);
  await page.getByLabel("List", { exact: true }).press("Enter");
  await page
    .getByText(`No tasks in “${list}” yet.`)
    .or(page.getByRole("list", { name: `Tasks in ${list}` }))
    .waitFor();
}

/** Where screenshots go for a reviewer to look at (gitignored). */
export const testOutput = new URL("../../test-output/", import.meta.url);
