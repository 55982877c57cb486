export {
  type ConnectionState,
  hashResult,
  newConnectionState,
  type SubscriptionState,
} from "./connection-state";
export { type CommitNotice, type LiveFunctions, SyncServer, type SyncTransport } from "./sync-server";
