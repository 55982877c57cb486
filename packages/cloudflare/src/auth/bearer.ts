import { OrreryError } from "@orrery/protocol";

/**
 * The token of `Authorization: Bearer <token>`; null when there is no such header. Another
 * scheme, or none, is refused (`UNAUTHENTICATED`): a caller that sent credentials meant them.
 */
export function bearerTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header === null) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match?.[1])
    throw new OrreryError("UNAUTHENTICATED", "the Authorization header must be `Bearer <token>`");
  return match[1];
}
