import type { SqlClient } from "@orrery/hyperdrive";
import type { SchemaDefinition } from "@orrery/schema";
import { createD1Exec, type D1Like, type SqlExec } from "@orrery/store";
import { bindingOf, type WorkerEnv } from "../options";

/** Where `.global()` tables live, and the action-only `ctx.sql` when that is a Hyperdrive database. */
export interface GlobalBackendChoice {
  /** Names the backend in `/health` and in errors: `d1`, `postgres` or `mysql`. */
  readonly name: string;
  /** The store's `globalExec`. */
  readonly exec: SqlExec;
  /** The runner's `sql` factory; absent on D1, which has no external database to query. */
  readonly sql?: () => SqlClient;
}

/**
 * Chooses the backend for one Durable Object instance from the env and the app's schema (the
 * Hyperdrive backends create missing `.global()` tables on first use, or, given a migrations
 * journal, check the database is migrated instead). Called once per instance and by `/health`;
 * nothing may connect here.
 */
export type GlobalBackendFactory = (env: WorkerEnv, schema: SchemaDefinition) => GlobalBackendChoice;

/** `.global()` tables in D1, bound as `binding` (default `DB`). */
export function d1({ binding = "DB" }: { binding?: string } = {}): GlobalBackendFactory {
  return (env) => ({ name: "d1", exec: createD1Exec(bindingOf<D1Like>(env, binding, "a D1 database")) });
}

/**
 * Chooses among `backends` by a var (default `ORRERY_GLOBAL_BACKEND`; `d1` when unset), so one
 * worker serves each wrangler environment unchanged:
 * `fromEnv({ d1: d1(), postgres: postgres() })`. Default: D1 only.
 */
export function fromEnv(
  backends: Record<string, GlobalBackendFactory> = { d1: d1() },
  { variable = "ORRERY_GLOBAL_BACKEND" }: { variable?: string } = {},
): GlobalBackendFactory {
  return (env, schema) => {
    const chosen = env[variable] ?? "d1";
    const factory = typeof chosen === "string" ? backends[chosen] : undefined;
    if (!factory) {
      throw new Error(
        `${variable} is "${String(chosen)}", which this worker has no backend for (it has: ${Object.keys(backends).join(", ")})`,
      );
    }
    return factory(env, schema);
  };
}
