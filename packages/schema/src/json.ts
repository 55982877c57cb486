import { isPlainObject } from "./validate";

/*
 * JSON columns hold values plain JSON cannot: bigints become {"$int64":"123"} and
 * ArrayBuffers {"$bytes":"<base64>"}. Keys starting with "$" are reserved so these tags are
 * unambiguous. Top-level strings and nulls are tagged too ({"$string":"…"}, {"$null":true}):
 * Postgres and MySQL drivers hand JSON back already parsed, and a parsed top-level string
 * would be indistinguishable from JSON text, a parsed null from SQL NULL (an absent field).
 */

export class JsonEncodeError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "JsonEncodeError";
  }
}

/** A deterministic JSON string (object keys sorted) for a storable value. */
export function encodeJson(value: unknown, path = "value"): string {
  if (typeof value === "string") return JSON.stringify({ $string: value });
  if (value === null) return JSON.stringify({ $null: true });
  return JSON.stringify(toTagged(value, path));
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
  return revive(parsed);
}

function toTagged(value: unknown, path: string): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new JsonEncodeError(path, `${value} cannot be stored`);
      return value;
    case "bigint":
      return { $int64: value.toString() };
    default:
      break;
  }
  if (value === null) return null;
  if (value instanceof ArrayBuffer) return { $bytes: toBase64(new Uint8Array(value)) };
  if (Array.isArray(value)) {
    return value.map((element, i) => {
      if (element === undefined)
        throw new JsonEncodeError(`${path}[${i}]`, "undefined cannot be stored in an array");
      return toTagged(element, `${path}[${i}]`);
    });
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key.startsWith("$"))
        throw new JsonEncodeError(`${path}.${key}`, 'keys starting with "$" are reserved');
      const element = value[key];
      if (element !== undefined) setOwn(out, key, toTagged(element, `${path}.${key}`));
    }
    return out;
  }
  throw new JsonEncodeError(
    path,
    `a ${typeof value === "object" ? "non-plain object" : typeof value} cannot be stored`,
  );
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    if (keys[0] === "$int64" && typeof value.$int64 === "string") return BigInt(value.$int64);
    if (keys[0] === "$bytes" && typeof value.$bytes === "string") return fromBase64(value.$bytes);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) setOwn(out, key, revive(value[key]));
  return out;
}

// btoa/atob exist in Workers and Node ≥ 16, so no Buffer dependency.
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export function fromBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

// Plain assignment of "__proto__" would replace the prototype instead of adding a key.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
