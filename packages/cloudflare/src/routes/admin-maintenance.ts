import { errorBody } from "@orrery/protocol";
import type { Context } from "hono";
import { globalStoreFor } from "../durable/global-store-stub";
import type { MaintenanceState } from "../durable/maintenance-flag";
import type { WorkerEnv } from "../options";
import { readBodyUpTo } from "./read-body";

const MAX_BODY_BYTES = 16 * 1024;
/** What refused callers are shown (a banner), so it is kept to a sentence or two. */
export const MAX_MAINTENANCE_MESSAGE = 1000;

type AdminContext = Context<{ Bindings: WorkerEnv }>;

/** The answer of both methods: `{ namespace, on, message?, since? }` (`since` in ms). */
function stateBody(namespace: string, state: MaintenanceState) {
  return { namespace, ...state };
}

/** `GET <base>/:namespace/admin/maintenance`: the namespace's maintenance mode. */
export async function readMaintenanceHandler(c: AdminContext, globalStoreBinding: string) {
  const namespace = c.req.param("namespace") ?? "";
  const stub = globalStoreFor(c.env, globalStoreBinding, namespace);
  return c.json(stateBody(namespace, await stub.maintenance()));
}

/**
 * `POST <base>/:namespace/admin/maintenance` with `{ "on": true, "message"?: "…" }` or
 * `{ "on": false }`: turns the namespace's maintenance mode on or off (`orrery maintenance`)
 * and answers as GET does, once it is in effect. The admin token is checked before this runs.
 */
export async function setMaintenanceHandler(c: AdminContext, globalStoreBinding: string) {
  const bad = (message: string) => c.json(errorBody("BAD_REQUEST", message), 400);
  const text = await readBodyUpTo(c.req.raw, MAX_BODY_BYTES);
  if (text === null)
    return c.json(errorBody("PAYLOAD_TOO_LARGE", `the body is larger than ${MAX_BODY_BYTES} bytes`), 413);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return bad('the request body is not valid JSON: send { "on": true, "message": "…" } or { "on": false }');
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return bad('the body must be an object: { "on": true, "message": "…" } or { "on": false }');
  const { on, message, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return bad(`unknown field "${unknown[0]}" (expected "on" and "message")`);
  if (typeof on !== "boolean") return bad('"on" must be true or false');
  if (message !== undefined) {
    if (!on) return bad('"message" goes with "on": true (it is what refused callers are told)');
    if (typeof message !== "string" || message.trim() === "" || message.length > MAX_MAINTENANCE_MESSAGE)
      return bad(`"message" must be a non-empty string of at most ${MAX_MAINTENANCE_MESSAGE} characters`);
  }
  const namespace = c.req.param("namespace") ?? "";
  const stub = globalStoreFor(c.env, globalStoreBinding, namespace);
  const state = await stub.maintenance(
    typeof message === "string" ? { on, message: message.trim() } : { on },
  );
  return c.json(stateBody(namespace, state));
}
