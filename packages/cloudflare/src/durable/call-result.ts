import { type WireValue, wireErrorOf } from "@orrery/protocol";

/** What an HTTP function call answers; errors are values so they cross the RPC boundary intact. */
export type CallResult =
  | { readonly ok: true; readonly value: WireValue; readonly commitVersion?: number }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export function errorResult(error: unknown): CallResult {
  return { ok: false, error: wireErrorOf(error) };
}
