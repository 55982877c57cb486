import { OrreryError } from "../errors";
import type { IndexKey } from "../reactivity/key-range";

/**
 * Cursors are opaque to callers: base64url of the index name and the last key returned.
 * Key values keep their types (bigint, bytes) through tagged JSON.
 */
interface CursorBody {
  readonly i: string;
  readonly k: unknown[];
}

function encodeKeyValue(value: unknown): unknown {
  if (typeof value === "bigint") return { $int64: value.toString() };
  if (value instanceof ArrayBuffer) return { $bytes: toBase64(new Uint8Array(value)) };
  return value;
}

function decodeKeyValue(value: unknown): unknown {
  if (value && typeof value === "object") {
    const tagged = value as { $int64?: string; $bytes?: string };
    if (typeof tagged.$int64 === "string") return BigInt(tagged.$int64);
    if (typeof tagged.$bytes === "string") return fromBase64(tagged.$bytes).buffer;
  }
  return value;
}

export function encodeCursor(index: string, key: IndexKey): string {
  const body: CursorBody = { i: index, k: key.map(encodeKeyValue) };
  return toBase64(new TextEncoder().encode(JSON.stringify(body)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string, expectedIndex: string): IndexKey {
  let body: CursorBody;
  try {
    const base64 = cursor.replaceAll("-", "+").replaceAll("_", "/");
    body = JSON.parse(new TextDecoder().decode(fromBase64(base64))) as CursorBody;
  } catch {
    throw new OrreryError("INVALID_ARGUMENT", "cursor: not a cursor this store produced");
  }
  if (body.i !== expectedIndex || !Array.isArray(body.k)) {
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `cursor: it belongs to index "${body.i}", not "${expectedIndex}"`,
    );
  }
  return body.k.map(decodeKeyValue);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
