/**
 * When a JWT expires (ms since the epoch), read from its `exp` without verifying it: only to
 * time a refresh (the server verifies). Null for a token that is no JWT or has no `exp`.
 */
export function expiryOf(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replaceAll("-", "+").replaceAll("_", "/"));
    const exp: unknown = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}
