export { type JwksSource, type JwtOptions, jwt } from "./auth/jwt";
export type { TokenVerifier } from "./auth/token-verifier";
export {
  d1,
  fromEnv,
  type GlobalBackendChoice,
  type GlobalBackendFactory,
} from "./backends/global-backend";
export { createOrrery, type Orrery, type OrreryWorker } from "./create-orrery";
export { CRON_REGISTRY_NAME } from "./durable/cron-registry";
export type { GlobalStoreRpc } from "./durable/global-store";
export type { MaintenanceState } from "./durable/maintenance-flag";
export type {
  DurableSqliteMigrations,
  OrreryOptions,
  OutboxOptions,
  SchedulerOptions,
  WorkerEnv,
} from "./options";
export { queueSender } from "./outbox/queue-sender";
export { relayExternalOutbox } from "./worker/scheduled-handler";
