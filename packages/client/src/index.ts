export type { AuthState, TokenFetcher } from "./auth/token-auth";
export { OrreryClientError } from "./client-error";
export { CLIENT_ID_STORAGE_KEY } from "./client-id";
export type { ConnectionState } from "./connection-state";
export {
  type MutationOptions,
  OrreryClient,
  type OrreryClientOptions,
  type WebSocketConstructor,
} from "./orrery-client";
export {
  PaginatedQuery,
  type PaginatedQueryArgs,
  type PaginatedQueryItem,
  type PaginatedQueryReference,
  type PaginatedQuerySnapshot,
  type PaginationStatus,
} from "./paginated-query";
export type { QueryResult } from "./query-result";
export type { MutationCompletion } from "./sync/mutation-queue";
export { MutationQueue } from "./sync/mutation-queue";
export type { OptimisticLocalStore, OptimisticUpdate } from "./sync/optimistic-updates";
export { OptimisticUpdates } from "./sync/optimistic-updates";
export { type SubscriptionEntry, SubscriptionSet, type TransitionOutcome } from "./sync/subscription-set";
export { type Maintenance, type SyncEffects, SyncEngine } from "./sync/sync-engine";
