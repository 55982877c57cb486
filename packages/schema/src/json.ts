import { decodeTagged, encodeTagged } from "@orrery/protocol";
import { isPlainObject } from "./validate";

/*
 * JSON columns hold values plain JSON cannot, tagged as on the wire (@orrery/protocol's
 * `encodeTagged`, in its strict form: sorted keys, "$" keys reserved): bigints become
 * {"$int64":"123"} and ArrayBuffers {"$bytes":"<base64>"}. Top-level strings and nulls are
 * tagged too ({"$string":"…"}, {"$null":true}), here only: Postgres and MySQL drivers hand
 * JSON back already parsed, and a parsed top-level string would be indistinguishable from JSON
 * text, a parsed null from SQL NULL (an absent field).
 */

export class JsonEncodeError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "JsonEncodeError";
  }
}

const jsonEncodeError = (path: string, reason: string) => new JsonEncodeError(path, reason);

/** A deterministic JSON string (object keys sorted) for a storable value. */
export function encodeJson(value: unknown, path = "value"): string {
  if (typeof value === "string") return JSON.stringify({ $string: value });
  if (value === null) return JSON.stringify({ $null: true });
  return JSON.stringify(encodeTagged(value, { strict: true, path, error: jsonEncodeError }));
}

/** The inverse of `encodeJson`: accepts JSON text or a value a driver already parsed. */
export function decodeJson(raw: unknown): unknown {
  const parsed = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
  if (isPlainObject(parsed)) {
    const keys = Object.keys(parsed);
    if (keys.length === 1 && keys[0] === "$string" && typeof parsed.$string === "string")
      return parsed.$string;
    if (keys.length === 1 && keys[0] === "$null") return null;
  }
  return decodeTagged(parsed);
}
