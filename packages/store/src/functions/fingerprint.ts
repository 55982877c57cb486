import { toWire, type WireValue } from "@orrery/protocol";
import { hashResult } from "../sync/connection-state";

/**
 * What a call asks, as a short string: the function's name and a hash of its arguments with
 * object keys sorted, so a resend whose JSON orders keys differently is the same request.
 */
export function fingerprintOf(name: string, args: unknown): string {
  return `${name} ${hashResult(stableJson(toWire(args)))}`;
}

function stableJson(value: WireValue): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(value[key]!)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
