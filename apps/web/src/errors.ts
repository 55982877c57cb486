import { OrreryClientError } from "@orrery/client";

/** A sentence a person can read: the server's message, with its code for a bug report. */
export function describeError(error: unknown): string {
  if (error instanceof OrreryClientError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
