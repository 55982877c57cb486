import type { OrreryClient } from "@orrery/client";

/** Where the page keeps the name it signed in as, so a reload (and other tabs) sign in again. */
export const SIGNED_IN_AS_KEY = "orrery:signedInAs";

/**
 * Signs the client in as `name` with the example worker's development issuer: each token comes
 * from `GET /api/dev/token?user=<name>` (there only under `pnpm start`), and the client asks for
 * a fresh one before each expires or when the server refuses one.
 */
export function signIn(client: OrreryClient, name: string): void {
  localStorage.setItem(SIGNED_IN_AS_KEY, name);
  client.setAuth(async () => {
    const response = await fetch(`/api/dev/token?user=${encodeURIComponent(name)}`, { cache: "no-store" });
    const body = (await response.json()) as { token?: string; error?: { message: string } };
    if (!response.ok || !body.token)
      throw new Error(body.error?.message ?? `/api/dev/token answered ${response.status}`);
    return body.token;
  });
}

export function signOut(client: OrreryClient): void {
  localStorage.removeItem(SIGNED_IN_AS_KEY);
  client.clearAuth();
}

/** Signs in again as the name kept from an earlier visit, if any. */
export function resumeSignIn(client: OrreryClient): void {
  const name = localStorage.getItem(SIGNED_IN_AS_KEY);
  if (name) signIn(client, name);
}
