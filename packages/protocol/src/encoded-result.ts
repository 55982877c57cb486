import type { WireError } from "./protocol";
import { hashResult } from "./result-hash";
import type { WireValue } from "./wire-value";

/**
 * A query result encoded once for every subscriber of the same query: a commit's fan-out
 * stringifies and hashes each distinct result once, then assembles each connection's
 * transition from these pieces, byte for byte what `encodeServerMessage` would give.
 */
export interface EncodedResult {
  /** The update's fields after its `id`: `"value":…` or `"error":{…}`. */
  readonly fields: string;
  /** `hashResult` of the result's JSON, the name the client keeps for it. */
  readonly hash: string;
}

export function encodeResult(body: { value: WireValue } | { error: WireError }): EncodedResult {
  const json = JSON.stringify(body);
  // `{"value":undefined}` would encode as `{}`: a value is always a wire value, never absent.
  if (json.length <= 2) throw new TypeError("a query result needs a value or an error");
  return { fields: json.slice(1, -1), hash: hashResult(json) };
}

/** One subscription's update, as an element of `transition.updates`. */
export function encodeUpdate(id: string, result: EncodedResult): string {
  return `{"id":${JSON.stringify(id)},${result.fields},"hash":${JSON.stringify(result.hash)}}`;
}

/** A transition frame from updates already encoded by {@link encodeUpdate}. */
export function encodeTransition(fromVersion: number, toVersion: number, updates: readonly string[]): string {
  return `{"type":"transition","fromVersion":${fromVersion},"toVersion":${toVersion},"updates":[${updates.join(",")}]}`;
}
