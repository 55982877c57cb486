import { errorBody } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { globalStoreFor } from "../durable/global-store-stub";
import type { OrreryConfig, WorkerEnv } from "../options";
import { seedHandler } from "./admin-seed";

/** Constant-time comparison, so the token cannot be guessed a byte at a time. */
function sameToken(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++)
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}

/**
 * Admin routes, each needing `Authorization: Bearer <token>`, the token being the admin secret
 * (`wrangler secret put ORRERY_ADMIN_TOKEN`); with none configured they always answer 401.
 *
 * - `POST <base>/:namespace/admin/migrate` applies pending migrations to that namespace's
 *   Durable Object.
 * - `POST <base>/:namespace/admin/seed` upserts seeded rows by their stable ids (`orrery seed
 *   --worker`), see `seedHandler`.
 */
export const adminRoutes = <S extends SchemaDefinition>(config: OrreryConfig<S>) => {
  const adminOnly = createMiddleware<{ Bindings: WorkerEnv }>(async (c, next) => {
    const configured = c.env[config.adminTokenBinding];
    const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
    if (typeof configured !== "string" || configured === "" || !sameToken(given, configured)) {
      return c.json(errorBody("UNAUTHORIZED", "a valid admin bearer token is required"), 401);
    }
    await next();
  });
  return new Hono<{ Bindings: WorkerEnv }>()
    .post("/:namespace/admin/migrate", adminOnly, async (c) => {
      const stub = globalStoreFor(c.env, config.globalStoreBinding, c.req.param("namespace"));
      return c.json(await stub.migrate());
    })
    .post("/:namespace/admin/seed", adminOnly, (c) => seedHandler(c, config.globalStoreBinding));
};
