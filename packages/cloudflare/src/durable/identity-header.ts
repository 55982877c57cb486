import type { Identity } from "@orrery/store";

/**
 * The worker authenticates a WebSocket upgrade and hands the identity to the Durable Object
 * in this header; the worker always overwrites it, so a client cannot set it.
 */
export const IDENTITY_HEADER = "x-orrery-identity";

export function readIdentityHeader(value: string | null): Identity | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" && typeof (parsed as Identity).subject === "string"
      ? (parsed as Identity)
      : null;
  } catch {
    return null;
  }
}
