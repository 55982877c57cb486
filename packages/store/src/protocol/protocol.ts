import type { WireValue } from "./wire-value";

/**
 * The live-query protocol: JSON text frames, each with a `type`. See docs/protocol.md.
 * Parsing is strict and total: any frame gives a message or an error that names what was
 * wrong, and never throws.
 */

export const MAX_FRAME_BYTES = 1024 * 1024;

export type ClientMessage =
  | { type: "subscribe"; id: string; query: string; args: WireValue }
  | { type: "unsubscribe"; id: string }
  | { type: "mutate"; requestId: string; mutation: string; args: WireValue }
  | { type: "ping" };

export interface WireError {
  code: string;
  message: string;
}

export type QueryUpdate = { id: string; value: WireValue } | { id: string; error: WireError };

export type ServerMessage =
  | { type: "transition"; fromVersion: number; toVersion: number; updates: QueryUpdate[] }
  | { type: "mutationResult"; requestId: string; ok: true; value: WireValue; commitVersion: number }
  | { type: "mutationResult"; requestId: string; ok: false; error: WireError }
  | { type: "error"; code: string; message: string; id?: string }
  | { type: "pong" };

/** Codes of protocol-level errors (function errors carry the store's codes). */
export type ProtocolErrorCode =
  | "FRAME_TOO_LARGE"
  | "BAD_FRAME"
  | "BAD_MESSAGE"
  | "DUPLICATE_ID"
  | "UNKNOWN_ID";

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; error: { code: ProtocolErrorCode; message: string; id?: string } };

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function fail(code: ProtocolErrorCode, message: string, id?: string): ParseResult {
  return { ok: false, error: id === undefined ? { code, message } : { code, message, id } };
}

/** Reads one frame from a client. Binary frames are refused: the protocol is JSON text. */
export function parseClientMessage(frame: string | ArrayBuffer | ArrayBufferView): ParseResult {
  if (typeof frame !== "string") return fail("BAD_FRAME", "binary frames are not supported; send JSON text");
  // Cheap check first: a string's UTF-8 length is at least its UTF-16 length.
  if (frame.length > MAX_FRAME_BYTES || byteLength(frame) > MAX_FRAME_BYTES) {
    return fail("FRAME_TOO_LARGE", `frame is larger than ${MAX_FRAME_BYTES} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return fail("BAD_FRAME", "frame is not valid JSON");
  }
  if (!isRecord(data)) return fail("BAD_MESSAGE", 'a message must be a JSON object with a "type"');
  const type = data.type;
  const str = (field: string): string | undefined =>
    typeof data[field] === "string" && data[field] !== "" ? (data[field] as string) : undefined;
  switch (type) {
    case "subscribe": {
      const id = str("id");
      const query = str("query");
      if (!id) return fail("BAD_MESSAGE", 'subscribe: "id" must be a non-empty string');
      if (!query)
        return fail("BAD_MESSAGE", 'subscribe: "query" must be a function name like "tasks:list"', id);
      if (!isRecord(data.args) && data.args !== undefined)
        return fail("BAD_MESSAGE", 'subscribe: "args" must be an object', id);
      return { ok: true, message: { type, id, query, args: (data.args ?? {}) as WireValue } };
    }
    case "unsubscribe": {
      const id = str("id");
      if (!id) return fail("BAD_MESSAGE", 'unsubscribe: "id" must be a non-empty string');
      return { ok: true, message: { type, id } };
    }
    case "mutate": {
      const requestId = str("requestId");
      const mutation = str("mutation");
      if (!requestId) return fail("BAD_MESSAGE", 'mutate: "requestId" must be a non-empty string');
      if (!mutation)
        return fail("BAD_MESSAGE", 'mutate: "mutation" must be a function name like "tasks:add"');
      if (!isRecord(data.args) && data.args !== undefined)
        return fail("BAD_MESSAGE", 'mutate: "args" must be an object');
      return { ok: true, message: { type, requestId, mutation, args: (data.args ?? {}) as WireValue } };
    }
    case "ping":
      return { ok: true, message: { type } };
    default:
      return fail(
        "BAD_MESSAGE",
        typeof type === "string"
          ? `unknown message type "${type}" (expected subscribe, unsubscribe, mutate or ping)`
          : 'a message needs a string "type"',
      );
  }
}

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

export function encodeClientMessage(message: ClientMessage): string {
  return JSON.stringify(message);
}

/** Reads one frame from the server; the client trusts the server's shape but not its JSON. */
export function parseServerMessage(frame: string): ServerMessage | null {
  try {
    const data: unknown = JSON.parse(frame);
    if (!isRecord(data)) return null;
    switch (data.type) {
      case "transition":
      case "mutationResult":
      case "error":
      case "pong":
        return data as ServerMessage;
      default:
        return null;
    }
  } catch {
    return null;
  }
}
