import { OrreryError } from "@orrery/protocol";
import { type Identity, type MutateOptions, requestScope } from "@orrery/store";

/** What makes an HTTP mutation idempotent: its `Idempotency-Key` and the caller's `Orrery-Client-Id`. */
export interface HttpRequestKey {
  readonly requestId?: string;
  readonly clientId?: string;
}

/**
 * The store's options for an HTTP mutation: its request id in the caller's scope, by the one
 * rule every path uses (`requestScope`), so an HTTP retry of a socket's request is answered too.
 */
export function mutateOptionsOf(identity: Identity | null, request: HttpRequestKey): MutateOptions {
  const { requestId, clientId } = request;
  if (requestId === undefined) return {};
  // The worker refuses this first, naming the headers; this guards any other caller of the RPC.
  if (identity === null && clientId === undefined) {
    throw new OrreryError("INVALID_ARGUMENT", "an anonymous request id needs a client id to scope it");
  }
  return { requestId, scope: requestScope(identity, clientId, "") };
}
