import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The HTTP status for each error code a function call can end with. */
export function statusOf(code: string): ContentfulStatusCode {
  switch (code) {
    case "INVALID_ARGUMENT":
    case "INVALID_REFERENCE":
    case "BAD_REQUEST":
      return 400;
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNAVAILABLE":
    case "OUTCOME_UNKNOWN":
      return 503;
    default:
      return 500;
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
