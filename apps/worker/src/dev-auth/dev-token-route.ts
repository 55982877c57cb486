import type { WorkerEnv } from "@orrery/cloudflare";
import { devAuthEnabled, signDevToken } from "./dev-issuer";

export const DEV_TOKEN_PATH = "/api/dev/token";
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const MAX_TTL_SECONDS = 24 * 60 * 60;

const bad = (message: string) => Response.json({ error: { code: "BAD_REQUEST", message } }, { status: 400 });

/**
 * `GET /api/dev/token?user=<name>[&ttl=<seconds>][&admin=1]` → `{ token, subject, expiresAt }`:
 * a token of the development issuer for anyone who asks, which is why it exists only while
 * `ORRERY_DEV_AUTH` is on (`pnpm start`). Null for any other request, or when it is off.
 */
export async function devTokenRoute(request: Request, env: WorkerEnv): Promise<Response | null> {
  const url = new URL(request.url);
  if (url.pathname !== DEV_TOKEN_PATH || request.method !== "GET" || !devAuthEnabled(env)) return null;
  const user = url.searchParams.get("user")?.trim() ?? "";
  if (!USER_NAME.test(user))
    return bad(
      "user must be 1 to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit",
    );
  const ttl = Number(url.searchParams.get("ttl") ?? 3600);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
    return bad(`ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
  const admin = url.searchParams.get("admin") === "1";
  const { token, expiresAt } = await signDevToken(user, ttl, admin);
  return Response.json({ token, subject: user, expiresAt }, { headers: { "cache-control": "no-store" } });
}
