import type { SchemaDefinition } from "@orrery/schema";
import { relayGlobalOutbox } from "@orrery/store";
import { CRON_REGISTRY_NAME, cronsVersion, pinnedNamespaces } from "../durable/cron-registry";
import { globalStoreFor } from "../durable/global-store-stub";
import type { OrreryConfig, WorkerEnv } from "../options";
import { hasAnyQueue, queueSender } from "../outbox/queue-sender";

/** Namespaces one Cron Trigger run syncs at most; the rest are synced by the runs after it. */
const FAN_OUT_LIMIT = 100;

/**
 * The worker's `scheduled` handler (a wrangler Cron Trigger, e.g. every minute):
 *
 * 1. the external outbox's poller: relays every namespace's messages that mutations with
 *    `.global()` writes left in `_orrery_global_outbox` (D1, Postgres or MySQL), one run at a
 *    time (a lease), then deletes those sent longer ago than the retention;
 * 2. the crons' fan-out: every namespace that registered crons (and each namespace a cron is
 *    pinned to) whose planned runs are not of this deploy's crons is synced.
 *
 * Both run; a failure of either is logged and thrown once both ended, so the run shows failed.
 */
export function scheduledHandler<S extends SchemaDefinition>(config: OrreryConfig<S>) {
  return async (_controller: ScheduledController, env: WorkerEnv): Promise<void> => {
    const results = await Promise.allSettled([relayExternalOutbox(config, env), fanOutCrons(config, env)]);
    const errors = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    for (const error of errors) console.error("orrery: the scheduled run failed", error);
    if (errors.length > 0) throw new AggregateError(errors, "orrery: the scheduled run failed");
  };
}

/** One run of the external outbox's poller; nothing when the Worker has no Queue to send to. */
export async function relayExternalOutbox<S extends SchemaDefinition>(
  config: OrreryConfig<S>,
  env: WorkerEnv,
) {
  if (!hasAnyQueue(env, config.outbox)) return null;
  const backend = config.globalBackend(env, config.app.schema);
  return relayGlobalOutbox({
    exec: backend.exec,
    send: queueSender(env, config.outbox),
    ...(config.outbox.relayLeaseMs === undefined ? {} : { leaseMs: config.outbox.relayLeaseMs }),
    ...(config.outbox.retentionMs === undefined ? {} : { retentionMs: config.outbox.retentionMs }),
  });
}

async function fanOutCrons<S extends SchemaDefinition>(config: OrreryConfig<S>, env: WorkerEnv) {
  if (config.app.crons.length === 0) return null;
  const registry = globalStoreFor(env, config.globalStoreBinding, CRON_REGISTRY_NAME);
  return registry.fanOutCrons(cronsVersion(config.app), pinnedNamespaces(config.app), FAN_OUT_LIMIT);
}
