import type { ProtocolErrorCode } from "./error-codes";
import { RESULT_HASH } from "./result-hash";
import { utf8LongerThan } from "./utf8-length";
import { MAX_VALUE_DEPTH, nestsDeeperThan, type WireValue } from "./wire-value";

/**
 * The live-query protocol: JSON text frames, each with a `type`. See docs/protocol.md.
 * Parsing is strict and total: any frame gives a message or an error that names what was
 * wrong, and never throws.
 */

export const MAX_FRAME_BYTES = 1024 * 1024;
/** A subscription's arguments are kept for the connection's life, so they are kept small. */
export const MAX_SUBSCRIBE_ARGS_BYTES = 16 * 1024;
/** Ids (subscription, request, client) and function names. */
export const MAX_ID_LENGTH = 128;

/**
 * The heartbeat pair, byte for byte: the Durable Object registers it with
 * `setWebSocketAutoResponse`, so the runtime answers a heartbeat itself, without waking a
 * hibernated object or waiting for its lane. A client sends it while idle, so proxies that
 * close quiet connections keep its socket, and takes a missing answer as a dead socket.
 */
export const HEARTBEAT_REQUEST = '{"type":"heartbeat"}';
export const HEARTBEAT_RESPONSE = '{"type":"heartbeatAck"}';
/** A bearer token (a JWT) in an `authenticate` message; identity providers' stay well under it. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

export type ClientMessage =
  | {
      type: "subscribe";
      id: string;
      query: string;
      args: WireValue;
      /** The hash of the result the client already holds (after a reconnect): sent again only if it differs. */
      hash?: string;
    }
  | { type: "unsubscribe"; id: string }
  | {
      type: "mutate";
      requestId: string;
      mutation: string;
      args: WireValue;
      /** An anonymous client's lasting id: its request ids are its own across reconnects. */
      clientId?: string;
    }
  | { type: "ping" }
  /** A heartbeat (exactly {@link HEARTBEAT_REQUEST}): answered `heartbeatAck` at once, outside the lane. */
  | { type: "heartbeat" }
  /**
   * Sets the connection's identity from here on: a fresh token before the last one expires,
   * another user's, or `null` to sign out. Its live queries re-run under the new identity.
   */
  | { type: "authenticate"; token: string | null };

/** A failure as it travels: `code` is from the table in error-codes.ts, or a handler's own. */
export interface WireError {
  code: string;
  message: string;
}

/** One changed result; `hash` identifies it, so a reconnecting client can say what it holds. */
export type QueryUpdate =
  | { id: string; value: WireValue; hash: string }
  | { id: string; error: WireError; hash: string };

export type ServerMessage =
  | { type: "transition"; fromVersion: number; toVersion: number; updates: QueryUpdate[] }
  | { type: "mutationResult"; requestId: string; ok: true; value: WireValue; commitVersion: number }
  | { type: "mutationResult"; requestId: string; ok: false; error: WireError }
  | { type: "error"; code: string; message: string; id?: string }
  | { type: "pong" }
  /** Answer to `heartbeat` (exactly {@link HEARTBEAT_RESPONSE}). */
  | { type: "heartbeatAck" }
  /**
   * The namespace went into maintenance (mutations are answered `MAINTENANCE` until it ends)
   * or out of it: sent to every connection when it changes, and, while it is on, as the first
   * frame of every new connection (so a first frame of another type means it is off).
   */
  | { type: "maintenance"; on: true; message: string }
  | { type: "maintenance"; on: false }
  /**
   * The connection's identity changed: answers `authenticate` (after the transition that
   * re-ran its queries), opens a connection whose upgrade carried a token, and tells a
   * connection whose token expired (or was refused) that it is anonymous now (`error` says why).
   */
  | { type: "auth"; subject: string | null; error?: WireError };

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; error: { code: ProtocolErrorCode; message: string; id?: string } };

// Module-level rather than closures made per frame, which cost more than the checks.
function nonEmptyString(data: Record<string, unknown>, field: string): string | undefined {
  const value = data[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

const ID_FIELDS = ["id", "query", "requestId", "mutation", "clientId"] as const;

function overlongField(data: Record<string, unknown>, type: unknown): ParseResult | null {
  for (const field of ID_FIELDS) {
    const value = data[field];
    if (typeof value === "string" && value.length > MAX_ID_LENGTH)
      return fail("BAD_MESSAGE", `${String(type)}: "${field}" is longer than ${MAX_ID_LENGTH} characters`);
  }
  return null;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function fail(code: ProtocolErrorCode, message: string, id?: string): ParseResult {
  return { ok: false, error: id === undefined ? { code, message } : { code, message, id } };
}

/** Reads one frame from a client. Binary frames are refused: the protocol is JSON text. */
export function parseClientMessage(frame: string | ArrayBuffer | ArrayBufferView): ParseResult {
  if (typeof frame !== "string") return fail("BAD_FRAME", "binary frames are not supported; send JSON text");
  if (utf8LongerThan(frame, MAX_FRAME_BYTES)) {
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
  const overlong = overlongField(data, type);
  if (overlong) return overlong;
  switch (type) {
    case "subscribe": {
      const id = nonEmptyString(data, "id");
      const query = nonEmptyString(data, "query");
      if (!id) return fail("BAD_MESSAGE", 'subscribe: "id" must be a non-empty string');
      if (!query)
        return fail("BAD_MESSAGE", 'subscribe: "query" must be a function name like "tasks:list"', id);
      if (!isRecord(data.args) && data.args !== undefined)
        return fail("BAD_MESSAGE", 'subscribe: "args" must be an object', id);
      // Only the server's own hash format: anything else would be kept, unbounded, as the
      // subscription's state until its first run replaces it.
      if (data.hash !== undefined && (typeof data.hash !== "string" || !RESULT_HASH.test(data.hash)))
        return fail(
          "BAD_MESSAGE",
          'subscribe: "hash" must be a result hash the server sent (1 to 16 of 0-9a-z)',
          id,
        );
      const args = (data.args ?? {}) as WireValue;
      // Before JSON.stringify, which overflows the stack on a deep enough value.
      if (nestsDeeperThan(args, MAX_VALUE_DEPTH))
        return fail("LIMIT_EXCEEDED", `subscribe: "args" nest deeper than ${MAX_VALUE_DEPTH} levels`, id);
      if (data.args !== undefined && utf8LongerThan(JSON.stringify(args), MAX_SUBSCRIBE_ARGS_BYTES))
        return fail(
          "LIMIT_EXCEEDED",
          `subscribe: "args" are larger than ${MAX_SUBSCRIBE_ARGS_BYTES} bytes`,
          id,
        );
      const message: ClientMessage = { type, id, query, args };
      if (typeof data.hash === "string") message.hash = data.hash;
      return { ok: true, message };
    }
    case "unsubscribe": {
      const id = nonEmptyString(data, "id");
      if (!id) return fail("BAD_MESSAGE", 'unsubscribe: "id" must be a non-empty string');
      return { ok: true, message: { type, id } };
    }
    case "mutate": {
      const requestId = nonEmptyString(data, "requestId");
      const mutation = nonEmptyString(data, "mutation");
      if (!requestId) return fail("BAD_MESSAGE", 'mutate: "requestId" must be a non-empty string');
      if (!mutation)
        return fail("BAD_MESSAGE", 'mutate: "mutation" must be a function name like "tasks:add"');
      if (!isRecord(data.args) && data.args !== undefined)
        return fail("BAD_MESSAGE", 'mutate: "args" must be an object');
      if (data.clientId !== undefined && !nonEmptyString(data, "clientId"))
        return fail("BAD_MESSAGE", 'mutate: "clientId" must be a non-empty string');
      const message: ClientMessage = { type, requestId, mutation, args: (data.args ?? {}) as WireValue };
      const clientId = nonEmptyString(data, "clientId");
      if (clientId) message.clientId = clientId;
      return { ok: true, message };
    }
    case "ping":
    case "heartbeat":
      return { ok: true, message: { type } };
    case "authenticate": {
      const token = data.token;
      if (token === null) return { ok: true, message: { type, token } };
      if (typeof token !== "string" || token === "")
        return fail("BAD_MESSAGE", 'authenticate: "token" must be a non-empty string, or null to sign out');
      if (token.length > MAX_TOKEN_LENGTH)
        return fail("BAD_MESSAGE", `authenticate: "token" is longer than ${MAX_TOKEN_LENGTH} characters`);
      return { ok: true, message: { type, token } };
    }
    default:
      return fail(
        "BAD_MESSAGE",
        typeof type === "string"
          ? `unknown message type "${type}" (expected subscribe, unsubscribe, mutate, ping, heartbeat or authenticate)`
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
      case "heartbeatAck":
      case "maintenance":
      case "auth":
        return data as ServerMessage;
      default:
        return null;
    }
  } catch {
    return null;
  }
}
