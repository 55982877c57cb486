import type { SchemaDefinition } from "@orrery/schema";
import type { JobRetryPolicy, OrreryApp } from "@orrery/store";
import type { TokenVerifier } from "./auth/token-verifier";
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
  /**
   * Verifies callers' bearer tokens (`jwt({ issuer, audience, jwks })`) on every HTTP call, the
   * WebSocket upgrade and `authenticate` messages; a refused token is a 401. Without it, the
   * app's own `defineApp({ auth })` identifies HTTP callers and socket upgrades.
   */
  readonly auth?: TokenVerifier;
  /**
   * A claim that makes a token's holder an admin: admin routes then take a token of `auth`
   * whose claim is `true`, as well as the admin token. Default: none (the admin token only).
   */
  readonly adminClaim?: string;
  /** The scheduler (`ctx.scheduler`, crons): see docs/scheduler-and-outbox.md. */
  readonly scheduler?: SchedulerOptions;
  /** The outbox (`ctx.outbox.publish`) and its relay to Cloudflare Queues. */
  readonly outbox?: OutboxOptions;
}

export interface SchedulerOptions {
  /** How a failed job is retried. Default: 5 runs in all, waiting 1 s, 2 s, 4 s, … up to 5 minutes. */
  readonly retry?: Partial<JobRetryPolicy>;
  /** How long finished jobs stay in `_orrery_jobs`. Default 7 days. */
  readonly retentionMs?: number;
}

export interface OutboxOptions {
  /** The Queue producer binding messages are sent to. Default `ORRERY_OUTBOX`. */
  readonly queue?: string;
  /** Topics sent to another Queue: topic → producer binding. */
  readonly topics?: Readonly<Record<string, string>>;
  /** How long sent messages stay in the outbox tables. Default a day. */
  readonly retentionMs?: number;
  /** How long one run of the external outbox's poller may hold it. Default 60 s. */
  readonly relayLeaseMs?: number;
}

/** The options with every default filled in. */
export interface OrreryConfig<S extends SchemaDefinition> {
  readonly app: OrreryApp<S>;
  readonly migrations: DurableSqliteMigrations;
  readonly globalBackend: GlobalBackendFactory;
  readonly globalStoreBinding: string;
  readonly adminTokenBinding: string;
  readonly basePath: string;
  readonly auth: TokenVerifier | undefined;
  readonly adminClaim: string | undefined;
  readonly scheduler: SchedulerOptions;
  readonly outbox: Required<Pick<OutboxOptions, "queue" | "topics">> &
    Omit<OutboxOptions, "queue" | "topics">;
}

export function resolveOptions<S extends SchemaDefinition>(options: OrreryOptions<S>): OrreryConfig<S> {
  const basePath = options.basePath ?? "/api";
  if (!basePath.startsWith("/") || (basePath.length > 1 && basePath.endsWith("/")))
    throw new Error(`createOrrery: basePath must start with "/" and not end with one, got "${basePath}"`);
  if (options.adminClaim !== undefined && !options.auth)
    throw new Error(
      "createOrrery: adminClaim needs auth (e.g. jwt({ … })) to verify the tokens that carry it",
    );
  return {
    app: options.app,
    migrations: options.migrations,
    globalBackend: options.globalBackend ?? fromEnv(),
    globalStoreBinding: options.bindings?.globalStore ?? "GLOBAL_STORE",
    adminTokenBinding: options.bindings?.adminToken ?? "ORRERY_ADMIN_TOKEN",
    basePath,
    auth: options.auth,
    adminClaim: options.adminClaim,
    scheduler: options.scheduler ?? {},
    outbox: {
      ...options.outbox,
      queue: options.outbox?.queue ?? "ORRERY_OUTBOX",
      topics: options.outbox?.topics ?? {},
    },
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
