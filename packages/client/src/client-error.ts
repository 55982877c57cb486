import type { WireError } from "@orrery/store/protocol";

/**
 * What a failed query, mutation or action throws: the server's error code and message, so a
 * caller can branch on `code` ("CONFLICT", "INVALID_ARGUMENT", …) instead of parsing text.
 * Codes made on the client: "CLIENT_CLOSED", "PROTOCOL", "NETWORK".
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
