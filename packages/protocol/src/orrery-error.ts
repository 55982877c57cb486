import { type ErrorCode, isErrorCode } from "./error-codes";

/**
 * An error with a code from the table in error-codes.ts, thrown by the store, the functions
 * runner and handlers; the code and message are what the caller gets.
 */
export class OrreryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "OrreryError";
  }
}

/**
 * What a caller is told of an error: its code when it carries one of the table's (an
 * OrreryError, or an error with such a `code`), else INTERNAL, so a driver's own codes
 * (`ECONNRESET`, `ER_DUP_ENTRY`) never pose as Orrery's; and its message.
 */
export function wireErrorOf(error: unknown): { code: ErrorCode; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: isErrorCode(code) ? code : "INTERNAL",
    message: error instanceof Error ? error.message : String(error),
  };
}
