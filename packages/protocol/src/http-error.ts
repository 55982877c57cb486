import { ERROR_CODES, type HttpErrorStatus, isErrorCode } from "./error-codes";
import type { WireError } from "./protocol";

/**
 * The HTTP status for an error code, from the table in error-codes.ts. A code the table does
 * not know (a handler's own) or that never answers HTTP is 500.
 */
export function statusOf(code: string): HttpErrorStatus {
  return (isErrorCode(code) ? ERROR_CODES[code].status : null) ?? 500;
}

/** The body of an HTTP error answer: `{"error": {"code", "message"}}`. */
export function errorBody(code: string, message: string): { error: WireError } {
  return { error: { code, message } };
}
