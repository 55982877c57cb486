import type { SchemaDefinition } from "@orrery/schema";
import type { OrreryApp } from "@orrery/store";
import { fromEnv, type GlobalBackendFactory } from "./backends/global-backend";

/** drizzle's `migrations.js` for the durable-sqlite migrator (what `orrery generate` writes). */
export interface DurableSqliteMigrations {
  readonly journal: {
    readonly entries: readonly { idx: number; when: number; tag: string; breakpoints: boolean }[];
  };
  readonly migrations: Record<string, string>;
}

export interface OrreryOptions<S extends SchemaDefinition> {
  /** The app: its schema and functions (`defineApp`). */
  readonly app: OrreryApp<S>;
  /** The migrations every namespace's Durable Object applies on start (the folder D1 applies too). */
  readonly migrations: DurableSqliteMigrations;
  /** Where `.global()` tables live. Default: {@link fromEnv}, read from the `ORRERY_GLOBAL_BACKEND` var. */
  readonly globalBackend?: GlobalBackendFactory;
  /** Binding names, when yours differ from the defaults. */
  readonly bindings?: {
    /** The GlobalStore Durable Object namespace. Default `GLOBAL_STORE`. */
    readonly globalStore?: string;
    /** The secret admin routes compare bearer tokens with. Default `ORRERY_ADMIN_TOKEN`. */
    readonly adminToken?: string;
  };
  /** Where `orrery.worker` serves the routes. Default `/api`. */
  readonly basePath?: string;
}

/** The options with every default filled in. */
export interface OrreryConfig<S extends SchemaDefinition> {
  readonly app: OrreryApp<S>;
  readonly migrations: DurableSqliteMigrations;
  readonly globalBackend: GlobalBackendFactory;
  readonly globalStoreBinding: string;
  readonly adminTokenBinding: string;
  readonly basePath: string;
}

export function resolveOptions<S extends SchemaDefinition>(options: OrreryOptions<S>): OrreryConfig<S> {
  const basePath = options.basePath ?? "/api";
  if (!basePath.startsWith("/") || (basePath.length > 1 && basePath.endsWith("/")))
    throw new Error(`createOrrery: basePath must start with "/" and not end with one, got "${basePath}"`);
  return {
    app: options.app,
    migrations: options.migrations,
    globalBackend: options.globalBackend ?? fromEnv(),
    globalStoreBinding: options.bindings?.globalStore ?? "GLOBAL_STORE",
    adminTokenBinding: options.bindings?.adminToken ?? "ORRERY_ADMIN_TOKEN",
    basePath,
  };
}

/** The Worker env, as Orrery reads it: bindings by name. */
export type WorkerEnv = Record<string, unknown>;

/** A binding of `env`, or an error naming it and where it is configured. */
export function bindingOf<T>(env: WorkerEnv, name: string, what: string): T {
  const value = env[name];
  if (value === undefined || value === null)
    throw new Error(`no binding "${name}" in the Worker env: add ${what} named "${name}" to wrangler.jsonc`);
  return value as T;
}
