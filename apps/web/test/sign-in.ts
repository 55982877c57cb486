import type { OrreryClient } from "@orrery/client";

/** The user the tests sign in as, unless they say otherwise: tasks are per user. */
export const USER = "ada";

/** A token of the worker's development issuer (`GET /api/dev/token`), as the page's sign-in gets one. */
export async function devToken(baseUrl: string, user = USER): Promise<string> {
  const response = await fetch(`${baseUrl}/api/dev/token?user=${encodeURIComponent(user)}`);
  if (!response.ok) throw new Error(`/api/dev/token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Signs a client in as `user`, as the page does. */
export function signInAs(client: OrreryClient, baseUrl: string, user = USER): void {
  client.setAuth(() => devToken(baseUrl, user));
}
