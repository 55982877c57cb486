/** Error codes shared by the store, the functions runner and the wire protocol. */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_REFERENCE"
  | "NOT_FOUND"
  | "CONFLICT"
  | "FORBIDDEN"
  | "UNAVAILABLE"
  /** A commit's reply was lost: it may or may not have landed; retry with the same request id. */
  | "OUTCOME_UNKNOWN"
  | "INTERNAL";

export class OrreryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "OrreryError";
  }
}

/** A mutation kept losing to other writers of the same document until the retry bound. */
export class ConflictError extends OrreryError {
  constructor(
    readonly table: string,
    readonly id: string,
    readonly attempts: number,
  ) {
    super(
      "CONFLICT",
      `write conflict on ${table} "${id}": it changed under the mutation ${attempts} times; gave up`,
    );
    this.name = "ConflictError";
  }
}
