import { OrreryError } from "../errors";
import { base64ToBytes, bytesToBase64, fromWire, toWire } from "../protocol/wire-value";
import type { IndexKey } from "../reactivity/key-range";

/**
 * Cursors are opaque to callers: base64url of the index name and the last key returned.
 * Key values keep their types (bigint, bytes) through the wire format's tagged JSON.
 */
interface CursorBody {
  readonly i: string;
  readonly k: unknown[];
}

export function encodeCursor(index: string, key: IndexKey): string {
  const body: CursorBody = { i: index, k: key.map(toWire) };
  return bytesToBase64(new TextEncoder().encode(JSON.stringify(body)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string, expectedIndex: string): IndexKey {
  let body: CursorBody;
  try {
    const base64 = cursor.replaceAll("-", "+").replaceAll("_", "/");
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    body = JSON.parse(new TextDecoder().decode(base64ToBytes(padded))) as CursorBody;
  } catch {
    throw new OrreryError("INVALID_ARGUMENT", "cursor: not a cursor this store produced");
  }
  if (body.i !== expectedIndex || !Array.isArray(body.k)) {
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `cursor: it belongs to index "${body.i}", not "${expectedIndex}"`,
    );
  }
  return body.k.map(fromWire);
}
