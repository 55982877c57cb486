import type { SchemaDefinition } from "@orrery/schema";
import {
  createDurableSqliteExec,
  FunctionRunner,
  type OrreryApp,
  Store,
  type VerifiedIdentity,
} from "@orrery/store";
import { SyncServer, type SyncTransport } from "@orrery/store/sync";
import type { GlobalBackendFactory } from "../backends/global-backend";
import type { OrreryConfig, WorkerEnv } from "../options";
import { topicChecker } from "../outbox/queue-sender";
import { MaintenanceFlag } from "./maintenance-flag";
import { type Background, startBackground } from "./start-background";

/** One namespace's engine, as a GlobalStore instance runs it. */
export interface Runtime<S extends SchemaDefinition> {
  readonly store: Store<S>;
  readonly runner: FunctionRunner<S, WorkerEnv>;
  readonly sync: SyncServer;
  /** The namespace's maintenance mode: while on, the runner refuses every mutation and action. */
  readonly maintenance: MaintenanceFlag;
  /** The `.global()` backend's name (`d1`, `postgres`, `mysql`). */
  readonly backend: string;
  /** The scheduler, the home outbox's relay and the crons, run from the object's alarm. */
  readonly background: Background<S>;
}

export interface RuntimeInput<S extends SchemaDefinition> {
  readonly app: OrreryApp<S>;
  readonly namespace: string;
  readonly storage: DurableObjectStorage;
  readonly env: WorkerEnv;
  readonly globalBackend: GlobalBackendFactory;
  readonly transport: SyncTransport;
  /** Verifies the token of a socket's `authenticate` message (`createOrrery`'s `auth`). */
  readonly verifyToken?: (token: string) => Promise<VerifiedIdentity>;
  readonly config: Pick<OrreryConfig<S>, "scheduler" | "outbox" | "globalStoreBinding">;
}

/**
 * Builds the engine of one namespace: the store on the object's SQLite (and the `.global()`
 * backend), the function runner, and the sync server, wired so that a commit's path reads
 * top to bottom: a mutation commits in the store's lane → the store hands its outcome to
 * `sync.committed` in that lane → the caller's result and the re-run live queries go out →
 * the next mutation may commit. Every mutation and action, from a socket, HTTP or an action,
 * passes the runner's write gate (the maintenance flag) just before it is queued in that lane.
 * Nothing connects to an external database here.
 */
export async function startRuntime<S extends SchemaDefinition>(input: RuntimeInput<S>): Promise<Runtime<S>> {
  const backend = input.globalBackend(input.env, input.app.schema);
  const store = await Store.open({
    schema: input.app.schema,
    namespace: input.namespace,
    exec: createDurableSqliteExec(input.storage),
    globalExec: backend.exec,
    checkTopic: topicChecker(input.env, input.config.outbox),
  });
  const maintenance = new MaintenanceFlag(input.storage);
  const runner = new FunctionRunner<S, WorkerEnv>({
    app: input.app,
    store,
    env: input.env,
    ...(backend.sql ? { sql: backend.sql } : {}),
    writeGate: () => maintenance.check(),
  });
  const sync = new SyncServer(
    {
      checkQuery: (name, args) => runner.checkArgs(name, "query", args),
      observeQuery: (name, args, identity) => runner.observeQuery(name, args, identity),
      runMutation: (name, args, identity, options) => runner.runMutation(name, args, identity, options),
      exclusive: (work) => store.exclusive(work),
      version: () => store.version,
      ...(input.verifyToken ? { verifyToken: input.verifyToken } : {}),
    },
    input.transport,
  );
  const background = startBackground({ ...input, store, runner });
  store.onCommitted(async (outcome) => {
    // First, so a listener that fails later cannot cost a job its alarm.
    await background.work.committed(outcome);
    await sync.committed(outcome);
  });
  // A failure here must not keep the namespace from serving; the Cron Trigger's fan-out retries.
  await background.syncCrons().catch((error: unknown) => {
    console.error(`orrery: planning the crons of namespace "${input.namespace}" failed`, error);
  });
  return { store, runner, sync, maintenance, backend: backend.name, background };
}
