import type { OrreryClientError } from "./client-error";

/**
 * What the client shows for one query. `stale` is true while the connection is down and the
 * result has not been re-delivered since: the value is still shown (better than a spinner),
 * but it may be behind the server.
 */
export type QueryResult<T = unknown> =
  | { readonly status: "value"; readonly value: T; readonly stale: boolean }
  | { readonly status: "error"; readonly error: OrreryClientError; readonly stale: boolean };
