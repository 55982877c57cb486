export {
  d1,
  fromEnv,
  type GlobalBackendChoice,
  type GlobalBackendFactory,
} from "./backends/global-backend";
export { createOrrery, type Orrery } from "./create-orrery";
export type { GlobalStoreRpc } from "./durable/global-store";
export type { DurableSqliteMigrations, OrreryOptions, WorkerEnv } from "./options";
