/**
 * `connecting`: not connected yet since the client was made. `open`: connected. `closed`: the
 * connection dropped (the client is retrying with backoff) or `close()` was called.
 * `pendingMutations` counts mutations not yet complete, including those queued offline.
 */
export interface ConnectionState {
  readonly state: "connecting" | "open" | "closed";
  readonly pendingMutations: number;
}
