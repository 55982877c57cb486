import type { VerifiedIdentity } from "@orrery/store";

/**
 * The worker authenticates a WebSocket upgrade and hands the identity (and when its token
 * expires) to the Durable Object in this header; the worker always overwrites it, so a client
 * cannot set it.
 */
export const IDENTITY_HEADER = "x-orrery-identity";

export function identityHeaderOf(verified: VerifiedIdentity | null): string {
  return verified ? JSON.stringify(verified) : "";
}

export function readIdentityHeader(value: string | null): VerifiedIdentity | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (!parsed || typeof parsed !== "object") return null;
    const { identity, expiresAt } = parsed as Partial<VerifiedIdentity>;
    if (!identity || typeof identity !== "object" || typeof identity.subject !== "string") return null;
    return { identity, expiresAt: typeof expiresAt === "number" ? expiresAt : null };
  } catch {
    return null;
  }
}
