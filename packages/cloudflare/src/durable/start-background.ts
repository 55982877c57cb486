import type { SchemaDefinition } from "@orrery/schema";
import { type FunctionRunner, JobLoop, JobRunner, type OrreryApp, type Store } from "@orrery/store";
import type { OrreryConfig, WorkerEnv } from "../options";
import { hasAnyQueue, queueSender } from "../outbox/queue-sender";
import { BackgroundWork } from "./background-work";
import { CRON_REGISTRY_NAME, cronsVersion, hasPerNamespaceCrons } from "./cron-registry";
import { globalStoreFor } from "./global-store-stub";

export interface BackgroundInput<S extends SchemaDefinition> {
  readonly app: OrreryApp<S>;
  readonly store: Store<S>;
  readonly runner: FunctionRunner<S, WorkerEnv>;
  readonly storage: DurableObjectStorage;
  readonly env: WorkerEnv;
  readonly config: Pick<OrreryConfig<S>, "scheduler" | "outbox" | "globalStoreBinding">;
}

/** The scheduler and the home outbox's relay of one namespace, and its crons, kept in step. */
export interface Background<S extends SchemaDefinition> {
  readonly work: BackgroundWork<S>;
  /** Makes the planned cron runs match this deploy's crons; returns the crons' version. */
  syncCrons(): Promise<string>;
}

const REGISTERED_KEY = "orrery:crons-registered";

/**
 * Builds the background work of a namespace's object. Call `syncCrons` once the commit listener
 * is in place: it plans the crons' runs (arming the alarm through the listener) and, when the
 * app has per-namespace crons, registers the namespace for the Cron Trigger's fan-out.
 */
export function startBackground<S extends SchemaDefinition>(input: BackgroundInput<S>): Background<S> {
  const { app, store, runner, storage, env, config } = input;
  const jobs = new JobRunner({
    runner,
    store,
    ...(config.scheduler.retry ? { retry: config.scheduler.retry } : {}),
  });
  const loop = new JobLoop({
    store,
    executor: jobs,
    ...(config.scheduler.retentionMs === undefined ? {} : { retentionMs: config.scheduler.retentionMs }),
  });
  const work = new BackgroundWork({
    storage,
    store,
    jobs: loop,
    send: () => (hasAnyQueue(env, config.outbox) ? queueSender(env, config.outbox) : null),
    ...(config.outbox.retentionMs === undefined ? {} : { outboxRetentionMs: config.outbox.retentionMs }),
  });
  const version = cronsVersion(app);
  let synced = false;
  return {
    work,
    async syncCrons() {
      if (synced || app.crons.length === 0) return version;
      await loop.syncCrons(app.cronsFor(store.namespace));
      synced = true;
      if (hasPerNamespaceCrons(app) && (await storage.get<string>(REGISTERED_KEY)) !== version) {
        await globalStoreFor(env, config.globalStoreBinding, CRON_REGISTRY_NAME).registerCrons(
          store.namespace,
          version,
        );
        await storage.put(REGISTERED_KEY, version);
      }
      return version;
    },
  };
}
