import { hashResult } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { OrreryApp } from "@orrery/store";

/**
 * The GlobalStore instance that keeps the registry of namespaces running crons. Its name is
 * reserved: it hosts no app data, and calls to it as a namespace are refused.
 */
export const CRON_REGISTRY_NAME = "_orrery:crons";

const PREFIX = "crons:";

/** The app's crons as one value: it changes with any cron's name, schedule, function, args or namespace. */
export function cronsVersion<S extends SchemaDefinition>(app: OrreryApp<S>): string {
  return hashResult(JSON.stringify(app.crons.map((cron) => [cron.name, cron.spec, cron.namespace ?? null])));
}

/** Whether the app has crons that run in every namespace (so each namespace registers). */
export function hasPerNamespaceCrons<S extends SchemaDefinition>(app: OrreryApp<S>): boolean {
  return app.crons.some((cron) => cron.namespace === undefined);
}

/** The namespaces pinned crons run in: the fan-out reaches them even before they ever started. */
export function pinnedNamespaces<S extends SchemaDefinition>(app: OrreryApp<S>): string[] {
  return [...new Set(app.crons.flatMap((cron) => (cron.namespace === undefined ? [] : [cron.namespace])))];
}

/**
 * The registry, in the reserved instance's storage: each namespace that runs crons, with the
 * version of the crons it last synced. A namespace registers when it first starts with
 * per-namespace crons; the Cron Trigger's fan-out syncs the ones whose version is not current
 * (after a deploy that changed the crons) and records them.
 */
export class CronRegistry {
  constructor(private readonly storage: DurableObjectStorage) {}

  async record(namespace: string, version: string): Promise<void> {
    await this.storage.put(PREFIX + namespace, version);
  }

  /** Registered namespaces not at `version`, and `pinned` ones not yet at it; at most `limit`. */
  async stale(version: string, pinned: readonly string[], limit: number): Promise<string[]> {
    const entries = await this.storage.list<string>({ prefix: PREFIX });
    const stale = new Set<string>();
    for (const namespace of pinned) if (entries.get(PREFIX + namespace) !== version) stale.add(namespace);
    for (const [key, recorded] of entries) if (recorded !== version) stale.add(key.slice(PREFIX.length));
    return [...stale].slice(0, limit);
  }
}

/**
 * The fan-out, run in the registry instance: syncs (through each namespace's `syncCrons`) up to
 * `limit` namespaces whose crons are not at `version`, ten at a time, and records them. One
 * that fails stays stale and is tried on the next run.
 */
export async function fanOutCrons(
  registry: CronRegistry,
  syncCrons: (namespace: string) => Promise<string>,
  version: string,
  pinned: readonly string[],
  limit: number,
): Promise<{ synced: string[]; failed: string[] }> {
  const stale = await registry.stale(version, pinned, limit);
  const synced: string[] = [];
  const failed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < stale.length) {
      const namespace = stale[next++]!;
      try {
        await registry.record(namespace, await syncCrons(namespace));
        synced.push(namespace);
      } catch (error) {
        console.error(`orrery: syncing the crons of namespace "${namespace}" failed`, error);
        failed.push(namespace);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(10, stale.length) }, worker));
  return { synced, failed };
}
