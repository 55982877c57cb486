import { devToken, USER } from "./sign-in";

/**
 * Calls a function over HTTP, the way every client may (docs/protocol.md, "Over HTTP"), signed
 * in as `user` (tasks are per user).
 */
export async function callFunction(
  baseUrl: string,
  namespace: string,
  kind: "queries" | "mutations",
  name: string,
  args: unknown,
  user = USER,
): Promise<unknown> {
  const response = await fetch(`${baseUrl}/api/${encodeURIComponent(namespace)}/${kind}/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await devToken(baseUrl, user)}` },
    body: JSON.stringify(args),
  });
  const body: unknown = await response.json();
  if (!response.ok || typeof body !== "object" || body === null || !("value" in body))
    throw new Error(`${name} over HTTP: ${response.status} ${JSON.stringify(body)}`);
  return body.value;
}
