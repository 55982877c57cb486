import { exports } from "cloudflare:workers";

/**
 * A token of the example app's development issuer, from its `/api/dev/token` route (on in
 * these tests, as under `pnpm start`): what the web app's sign-in does.
 */
export async function tokenFor(
  user: string,
  options: { ttlSeconds?: number; admin?: boolean } = {},
): Promise<string> {
  const query = new URLSearchParams({ user });
  if (options.ttlSeconds !== undefined) query.set("ttl", String(options.ttlSeconds));
  if (options.admin) query.set("admin", "1");
  const response = await exports.default.fetch(`http://orrery.test/api/dev/token?${query}`);
  if (!response.ok) throw new Error(`/api/dev/token answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** `Authorization: Bearer <a token for user>`, for an HTTP call. */
export async function signedInAs(user: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(user)}` };
}
