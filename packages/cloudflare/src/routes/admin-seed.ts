import { errorBody, statusOf, type WireValue } from "@orrery/protocol";
import type { Context } from "hono";
import { globalStoreFor } from "../durable/global-store-stub";
import type { WorkerEnv } from "../options";
import { readBodyUpTo } from "./read-body";

/** The largest seed body the route reads (rows for every table, wire-encoded JSON). */
export const MAX_SEED_BYTES = 16 * 1024 * 1024;

/**
 * `POST <base>/:namespace/admin/seed` with `{ "tables": { <table>: { "rows": [{ "_id", ... }] } } }`
 * (values wire-encoded, as `orrery seed --worker` sends them): upserts the rows by their `_id`
 * in the namespace's Durable Object, one mutation for the whole body, and answers
 * `{ "value": { "tables": { <table>: { inserted, updated, unchanged } } }, "commitVersion" }`.
 * The admin token is checked before this runs.
 */
export async function seedHandler(c: Context<{ Bindings: WorkerEnv }>, globalStoreBinding: string) {
  const text = await readBodyUpTo(c.req.raw, MAX_SEED_BYTES);
  if (text === null)
    return c.json(errorBody("PAYLOAD_TOO_LARGE", `the seed is larger than ${MAX_SEED_BYTES} bytes`), 413);
  let body: WireValue;
  try {
    body = JSON.parse(text) as WireValue;
  } catch {
    return c.json(errorBody("BAD_REQUEST", "the request body is not valid JSON"), 400);
  }
  const stub = globalStoreFor(c.env, globalStoreBinding, c.req.param("namespace") ?? "");
  const result = await stub.seed(body);
  if (!result.ok)
    return c.json(errorBody(result.error.code, result.error.message), statusOf(result.error.code));
  return c.json({ value: result.value, commitVersion: result.commitVersion });
}
