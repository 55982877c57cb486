import type { SchemaDefinition } from "@orrery/schema";
import { Hono } from "hono";
import { globalStoreFor } from "../durable/global-store-stub";
import type { OrreryConfig, WorkerEnv } from "../options";
import { adminOnly as adminOnlyFor } from "./admin-auth";
import { readMaintenanceHandler, setMaintenanceHandler } from "./admin-maintenance";
import { seedHandler } from "./admin-seed";

/**
 * Admin routes, each needing `Authorization: Bearer <token>`, the token being the admin secret
 * (`wrangler secret put ORRERY_ADMIN_TOKEN`, compared in constant time) or, with
 * `createOrrery({ adminClaim })`, a verified token whose claim is `true`; anything else is a 401
 * (403 for a signed-in user without the claim). Each call is logged, with who made it.
 *
 * - `POST <base>/:namespace/admin/migrate` applies pending migrations to that namespace's
 *   Durable Object.
 * - `POST <base>/:namespace/admin/seed` upserts seeded rows by their stable ids (`orrery seed
 *   --worker`), see `seedHandler`.
 * - `GET` / `POST <base>/:namespace/admin/maintenance` reads or sets the namespace's maintenance
 *   mode (`orrery maintenance`), see `setMaintenanceHandler`. Seed and migrate keep working
 *   while it is on: they are how a cutover is done.
 */
export const adminRoutes = <S extends SchemaDefinition>(config: OrreryConfig<S>) => {
  const adminOnly = adminOnlyFor(config);
  return new Hono<{ Bindings: WorkerEnv }>()
    .post("/:namespace/admin/migrate", adminOnly, async (c) => {
      const stub = globalStoreFor(c.env, config.globalStoreBinding, c.req.param("namespace"));
      return c.json(await stub.migrate());
    })
    .post("/:namespace/admin/seed", adminOnly, (c) => seedHandler(c, config.globalStoreBinding))
    .get("/:namespace/admin/maintenance", adminOnly, (c) =>
      readMaintenanceHandler(c, config.globalStoreBinding),
    )
    .post("/:namespace/admin/maintenance", adminOnly, (c) =>
      setMaintenanceHandler(c, config.globalStoreBinding),
    );
};
