/**
 * Every error code Orrery uses, in one table: the layer that makes it and the HTTP status it
 * answers an HTTP call with (null: it never does). `ErrorCode`, `ProtocolErrorCode` and
 * `statusOf` are read off it; README.md shows it with what each code means.
 *
 * - `function`: a function call failed (the store, the runner or a handler said so); it travels
 *   in a `mutationResult`, a query update's `error` and an HTTP error body.
 * - `protocol`: the socket refused a frame, in a `{"type":"error"}` message; never over HTTP.
 * - `http`: an HTTP route refused the request before any function ran.
 * - `client`: made by the client library itself; never on the wire.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { layer: "function", status: 400 },
  INVALID_REFERENCE: { layer: "function", status: 400 },
  NOT_FOUND: { layer: "function", status: 404 },
  CONFLICT: { layer: "function", status: 409 },
  FORBIDDEN: { layer: "function", status: 403 },
  UNAVAILABLE: { layer: "function", status: 503 },
  /** A commit's reply was lost: it may or may not have landed; retry with the same request id. */
  OUTCOME_UNKNOWN: { layer: "function", status: 503 },
  /** The namespace is in maintenance: mutations and actions wait (nothing was written); retry later. */
  MAINTENANCE: { layer: "function", status: 503 },
  /** The function needs a signed-in caller (`requireUser`), or the caller's token was refused. */
  UNAUTHENTICATED: { layer: "function", status: 401 },
  INTERNAL: { layer: "function", status: 500 },
  BAD_FRAME: { layer: "protocol", status: null },
  FRAME_TOO_LARGE: { layer: "protocol", status: null },
  BAD_MESSAGE: { layer: "protocol", status: null },
  DUPLICATE_ID: { layer: "protocol", status: null },
  UNKNOWN_ID: { layer: "protocol", status: null },
  LIMIT_EXCEEDED: { layer: "protocol", status: null },
  BAD_REQUEST: { layer: "http", status: 400 },
  UNAUTHORIZED: { layer: "http", status: 401 },
  PAYLOAD_TOO_LARGE: { layer: "http", status: 413 },
  CLIENT_CLOSED: { layer: "client", status: null },
  NETWORK: { layer: "client", status: null },
  PROTOCOL: { layer: "client", status: null },
} as const satisfies Record<string, { readonly layer: ErrorLayer; readonly status: number | null }>;

export type ErrorLayer = "function" | "protocol" | "http" | "client";

/** Every code in the table. */
export type ErrorCode = keyof typeof ERROR_CODES;

type CodesOf<Layer extends ErrorLayer> = {
  [Code in ErrorCode]: (typeof ERROR_CODES)[Code]["layer"] extends Layer ? Code : never;
}[ErrorCode];

/** Codes of protocol-level errors: a refused frame (function errors carry the other codes). */
export type ProtocolErrorCode = CodesOf<"protocol">;

/** The statuses an HTTP error answer can have. */
export type HttpErrorStatus = NonNullable<(typeof ERROR_CODES)[ErrorCode]["status"]>;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}
