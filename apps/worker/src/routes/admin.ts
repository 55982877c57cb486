import { Hono } from "hono";
import { globalStoreFor } from "../durable/global-store-stub";
import { errorBody } from "./http-status";

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
 * `POST /api/:namespace/admin/migrate` applies pending migrations to that namespace's Durable
 * Object. It needs `Authorization: Bearer <ORRERY_ADMIN_TOKEN>`; with no token configured
 * (`wrangler secret put ORRERY_ADMIN_TOKEN`) it always answers 401.
 */
export const adminRoutes = new Hono<{ Bindings: Env }>().post("/api/:namespace/admin/migrate", async (c) => {
  const configured = c.env.ORRERY_ADMIN_TOKEN;
  const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  if (!configured || !sameToken(given, configured)) {
    return c.json(errorBody("UNAUTHORIZED", "a valid admin bearer token is required"), 401);
  }
  const stub = globalStoreFor(c.env, c.req.param("namespace"));
  return c.json(await stub.migrate());
});
