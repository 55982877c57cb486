import { toWire, type WireValue } from "@orrery/protocol";

/**
 * JSON with object keys sorted at every depth, so `{a, b}` and `{b, a}` name the same query
 * and two components asking for it share one server subscription.
 */
export function canonicalJson(value: WireValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as WireValue)}`).join(",")}}`;
}

/** The identity of a query subscription: its name plus its arguments in canonical form. */
export function queryToken(name: string, args: WireValue): string {
  return `${name}|${canonicalJson(args)}`;
}

/** The token for arguments as a caller passes them (bigint, bytes and all). */
export function queryTokenOf(name: string, args: unknown): string {
  return queryToken(name, toWire(args));
}
