import type { WireValue } from "@orrery/protocol";

/** What an HTTP function call answers; errors are values so they cross the RPC boundary intact. */
export type CallResult =
  | { readonly ok: true; readonly value: WireValue; readonly commitVersion?: number }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export function errorResult(error: unknown): CallResult {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    ok: false,
    error: {
      code: typeof code === "string" && /^[A-Z_]+$/.test(code) ? code : "INTERNAL",
      message: error instanceof Error ? error.message : String(error),
    },
  };
}
