import { base64ToBytes, bytesToBase64, fromWire, OrreryError, toWire } from "@orrery/protocol";
import { encodeValue } from "@orrery/schema";
import type { IndexKey } from "../reactivity/key-range";
import type { IndexInfo } from "./table-info";

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

const invalid = (message: string) => new OrreryError("INVALID_ARGUMENT", `cursor: ${message}`);

/**
 * The key a cursor holds, checked to be a key of `index`: a cursor comes back from the
 * client, so it may be forged, and a malformed key must not reach the scan as a prefix bound
 * or as a value its column cannot hold. The empty key (an empty first page's cursor) is valid.
 */
export function decodeCursor(cursor: string, index: IndexInfo): IndexKey {
  let body: unknown;
  try {
    const base64 = cursor.replaceAll("-", "+").replaceAll("_", "/");
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    body = JSON.parse(new TextDecoder().decode(base64ToBytes(padded)));
  } catch {
    throw invalid("not a cursor this store produced");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid("not a cursor this store produced");
  }
  const { i, k } = body as Partial<CursorBody>;
  if (typeof i !== "string") throw invalid("not a cursor this store produced");
  if (i !== index.name) throw invalid(`it belongs to index "${i}", not "${index.name}"`);
  if (!Array.isArray(k)) throw invalid(`expected a key array for index "${index.name}"`);
  const arity = index.fields.length;
  if (k.length !== 0 && k.length !== arity) {
    throw invalid(`expected a key of ${arity} values for index "${index.name}", got ${k.length}`);
  }
  return k.map((wire, position) => keyValue(wire, index, position));
}

function keyValue(wire: unknown, index: IndexInfo, position: number): unknown {
  const field = index.fields[position]!;
  let value: unknown;
  try {
    value = fromWire(wire);
  } catch {
    throw invalid(`value for "${field}" is not a valid tagged value: ${JSON.stringify(wire)}`);
  }
  if (value !== null && typeof value === "object") {
    throw invalid(`value for "${field}" must be a scalar, got ${JSON.stringify(wire)}`);
  }
  try {
    // Only to check the value fits the column; the engine changes how booleans are sent, not
    // which values are accepted.
    encodeValue(index.columns[position]!, value, "sqlite");
  } catch (error) {
    throw invalid(`value for "${field}" does not fit index "${index.name}": ${(error as Error).message}`);
  }
  return value;
}
