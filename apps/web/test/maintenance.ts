import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The admin token a test's dev server is started with: wrangler reads it from an env file
 * (`--env-file`, passed through scripts/start.mjs), as a secret.
 */
export const ADMIN_TOKEN = "web-test-admin-token";

/** The extra arguments for `startDevServer` that give its worker {@link ADMIN_TOKEN}; `remove` the file after. */
export function adminTokenArgs(): { args: string[]; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "orrery-web-admin-"));
  const file = path.join(dir, "admin.env");
  writeFileSync(file, `ORRERY_ADMIN_TOKEN=${ADMIN_TOKEN}\n`);
  return { args: ["--env-file", file], remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Turns the namespace's maintenance mode on or off through the admin route, as `orrery maintenance` does. */
export async function setMaintenance(baseUrl: string, namespace: string, on: boolean, message?: string) {
  const response = await fetch(`${baseUrl}/api/${encodeURIComponent(namespace)}/admin/maintenance`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(message === undefined ? { on } : { on, message }),
  });
  if (!response.ok) throw new Error(`admin/maintenance: ${response.status} ${await response.text()}`);
}
