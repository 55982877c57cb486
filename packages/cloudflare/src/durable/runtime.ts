import type { SchemaDefinition } from "@orrery/schema";
import { createDurableSqliteExec, FunctionRunner, type OrreryApp, Store } from "@orrery/store";
import { SyncServer, type SyncTransport } from "@orrery/store/sync";
import type { GlobalBackendFactory } from "../backends/global-backend";
import type { WorkerEnv } from "../options";

/** One namespace's engine, as a GlobalStore instance runs it. */
export interface Runtime<S extends SchemaDefinition> {
  readonly store: Store<S>;
  readonly runner: FunctionRunner<S, WorkerEnv>;
  readonly sync: SyncServer;
  /** The `.global()` backend's name (`d1`, `postgres`, `mysql`). */
  readonly backend: string;
}

export interface RuntimeInput<S extends SchemaDefinition> {
  readonly app: OrreryApp<S>;
  readonly namespace: string;
  readonly storage: DurableObjectStorage;
  readonly env: WorkerEnv;
  readonly globalBackend: GlobalBackendFactory;
  readonly transport: SyncTransport;
}

/**
 * Builds the engine of one namespace: the store on the object's SQLite (and the `.global()`
 * backend), the function runner, and the sync server, wired so that a commit's path reads
 * top to bottom: a mutation commits in the store's lane → the store hands its outcome to
 * `sync.committed` in that lane → the caller's result and the re-run live queries go out →
 * the next mutation may commit. Nothing connects to an external database here.
 */
export async function startRuntime<S extends SchemaDefinition>(input: RuntimeInput<S>): Promise<Runtime<S>> {
  const backend = input.globalBackend(input.env, input.app.schema);
  const store = await Store.open({
    schema: input.app.schema,
    namespace: input.namespace,
    exec: createDurableSqliteExec(input.storage),
    globalExec: backend.exec,
  });
  const runner = new FunctionRunner<S, WorkerEnv>({
    app: input.app,
    store,
    env: input.env,
    ...(backend.sql ? { sql: backend.sql } : {}),
  });
  const sync = new SyncServer(
    {
      checkQuery: (name, args) => runner.checkArgs(name, "query", args),
      observeQuery: (name, args, identity) => runner.observeQuery(name, args, identity),
      runMutation: (name, args, identity, options) => runner.runMutation(name, args, identity, options),
      exclusive: (work) => store.exclusive(work),
      version: () => store.version,
    },
    input.transport,
  );
  store.onCommitted((outcome) => sync.committed(outcome));
  return { store, runner, sync, backend: backend.name };
}
