import { errorBody } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import { Hono } from "hono";
import { globalStoreClass } from "./durable/global-store";
import { type OrreryOptions, resolveOptions, type WorkerEnv } from "./options";
import { adminRoutes } from "./routes/admin";
import { functionRoutes } from "./routes/functions";
import { healthRoute } from "./routes/health";
import { socketRoute } from "./routes/socket";
import { queueHandler } from "./worker/queue-handler";
import { scheduledHandler } from "./worker/scheduled-handler";

/** A Worker's handlers: `export default orrery.worker`. `env` is your Worker's env, whatever its type. */
export interface OrreryWorker {
  /** The routes under `basePath`, JSON 404s and errors (a Hono app's `fetch`). */
  fetch(request: Request, env: object, ctx?: ExecutionContext): Response | Promise<Response>;
  /** The Cron Trigger: the external outbox's poller and the crons' fan-out. */
  scheduled(controller: ScheduledController, env: object, ctx?: ExecutionContext): Promise<void>;
  /** The Queue consumer: outbox messages to the app's consumer mutations. */
  queue(batch: MessageBatch<unknown>, env: object, ctx?: ExecutionContext): Promise<void>;
}

/** What a worker exports to host an Orrery app. */
export interface Orrery {
  /**
   * The whole worker: the routes under `basePath` (JSON 404s and errors), the Cron Trigger and
   * the Queue consumer. `export default orrery.worker`.
   */
  readonly worker: OrreryWorker;
  /** The routes alone, to mount in your own Hono app: `app.route("/api", orrery.routes)`. */
  readonly routes: Hono<{ Bindings: WorkerEnv }>;
  /** The Durable Object class: `export const GlobalStore = orrery.GlobalStore` (the name wrangler.jsonc binds). */
  readonly GlobalStore: ReturnType<typeof globalStoreClass>;
  /** `orrery.worker.scheduled`, for a worker of your own: `scheduled: orrery.scheduled`. */
  readonly scheduled: OrreryWorker["scheduled"];
  /** `orrery.worker.queue`, for a worker of your own: `queue: orrery.queue`. */
  readonly queue: OrreryWorker["queue"];
}

/**
 * Hosts an app in a Worker:
 *
 * ```ts
 * const orrery = createOrrery({ app, migrations });
 * export const GlobalStore = orrery.GlobalStore;
 * export default orrery.worker;
 * ```
 *
 * Routes, relative to `basePath` (default `/api`): `GET /health`, `GET /:namespace/ws` (live
 * queries, docs/protocol.md), `POST /:namespace/{queries,mutations,actions}/:name`,
 * `POST /:namespace/admin/migrate`, `POST /:namespace/admin/seed` and
 * `GET`/`POST /:namespace/admin/maintenance`.
 */
export function createOrrery<S extends SchemaDefinition>(options: OrreryOptions<S>): Orrery {
  const config = resolveOptions(options);
  const routes = new Hono<{ Bindings: WorkerEnv }>()
    .route("/", healthRoute(config))
    .route("/", socketRoute(config))
    // Before the function routes, whose `/:namespace/:kind/:name` would also match it.
    .route("/", adminRoutes(config))
    .route("/", functionRoutes(config));
  const app = new Hono<{ Bindings: WorkerEnv }>().route(config.basePath, routes);
  app.notFound((c) =>
    c.json(errorBody("NOT_FOUND", `no route ${c.req.method} ${new URL(c.req.url).pathname}`), 404),
  );
  app.onError((error, c) => c.json(errorBody("INTERNAL", error.message), 500));
  const scheduledRun = scheduledHandler(config);
  const consume = queueHandler(config);
  const scheduled: OrreryWorker["scheduled"] = (controller, env) =>
    scheduledRun(controller, env as WorkerEnv);
  const queue: OrreryWorker["queue"] = (batch, env) => consume(batch, env as WorkerEnv);
  const worker: OrreryWorker = {
    fetch: (request, env, ctx) => app.fetch(request, env, ctx),
    scheduled,
    queue,
  };
  return { worker, routes, GlobalStore: globalStoreClass(config), scheduled, queue };
}
