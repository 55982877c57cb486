import { errorBody } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import { Hono } from "hono";
import { globalStoreClass } from "./durable/global-store";
import { type OrreryOptions, resolveOptions, type WorkerEnv } from "./options";
import { adminRoutes } from "./routes/admin";
import { functionRoutes } from "./routes/functions";
import { healthRoute } from "./routes/health";
import { socketRoute } from "./routes/socket";

/** What a worker exports to host an Orrery app. */
export interface Orrery {
  /** The whole worker: the routes under `basePath`, JSON 404s and errors. `export default orrery.worker`. */
  readonly worker: Hono<{ Bindings: WorkerEnv }>;
  /** The routes alone, to mount in your own Hono app: `app.route("/api", orrery.routes)`. */
  readonly routes: Hono<{ Bindings: WorkerEnv }>;
  /** The Durable Object class: `export const GlobalStore = orrery.GlobalStore` (the name wrangler.jsonc binds). */
  readonly GlobalStore: ReturnType<typeof globalStoreClass>;
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
 * queries, docs/protocol.md), `POST /:namespace/{queries,mutations,actions}/:name` and
 * `POST /:namespace/admin/migrate` and `POST /:namespace/admin/seed`.
 */
export function createOrrery<S extends SchemaDefinition>(options: OrreryOptions<S>): Orrery {
  const config = resolveOptions(options);
  const routes = new Hono<{ Bindings: WorkerEnv }>()
    .route("/", healthRoute(config))
    .route("/", socketRoute(config))
    // Before the function routes, whose `/:namespace/:kind/:name` would also match it.
    .route("/", adminRoutes(config))
    .route("/", functionRoutes(config));
  const worker = new Hono<{ Bindings: WorkerEnv }>().route(config.basePath, routes);
  worker.notFound((c) =>
    c.json(errorBody("NOT_FOUND", `no route ${c.req.method} ${new URL(c.req.url).pathname}`), 404),
  );
  worker.onError((error, c) => c.json(errorBody("INTERNAL", error.message), 500));
  return { worker, routes, GlobalStore: globalStoreClass(config) };
}
