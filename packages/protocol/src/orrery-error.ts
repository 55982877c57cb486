import type { ErrorCode } from "./error-codes";

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
