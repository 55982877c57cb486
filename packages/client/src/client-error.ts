import type { WireError } from "@orrery/protocol";

/**
 * What a failed query, mutation or action throws: the server's error code and message, so a
 * caller can branch on `code` ("CONFLICT", "INVALID_ARGUMENT", …) instead of parsing text.
 * Codes made on the client: "CLIENT_CLOSED", "PROTOCOL", "NETWORK". Every code is in the one
 * table of @orrery/protocol (`ERROR_CODES`); `code` stays a string, since a handler may throw
 * an error with a code of its own and the server passes it on.
 */
export class OrreryClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "OrreryClientError";
  }

  static fromWire(error: WireError): OrreryClientError {
    return new OrreryClientError(error.code, error.message);
  }
}
