import { MAX_FRAME_BYTES, type WireValue } from "@orrery/store/protocol";
import { Hono } from "hono";
import { app as orrery } from "../app";
import { globalStoreFor } from "../durable/global-store-stub";
import { errorBody, statusOf } from "./http-status";

const KIND_OF_PATH = { queries: "query", mutations: "mutation", actions: "action" } as const;
type KindPath = keyof typeof KIND_OF_PATH;

/**
 * `POST /api/:namespace/{queries|mutations|actions}/:name` with JSON arguments, answering
 * `{ "value": … }` or `{ "error": { "code", "message" } }`. The call runs in the namespace's
 * GlobalStore, so an HTTP mutation updates live queries like a WebSocket one.
 */
export const functionRoutes = new Hono<{ Bindings: Env }>().post("/api/:namespace/:kind/:name", async (c) => {
  const kindPath = c.req.param("kind");
  if (!(kindPath in KIND_OF_PATH)) {
    return c.json(
      errorBody("NOT_FOUND", `no route /api/:namespace/${kindPath}; use queries, mutations or actions`),
      404,
    );
  }
  const kind = KIND_OF_PATH[kindPath as KindPath];
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > MAX_FRAME_BYTES) {
    return c.json(errorBody("PAYLOAD_TOO_LARGE", `arguments are larger than ${MAX_FRAME_BYTES} bytes`), 413);
  }
  let args: WireValue = {};
  if (text.trim() !== "") {
    try {
      args = JSON.parse(text) as WireValue;
    } catch {
      return c.json(errorBody("BAD_REQUEST", "the request body is not valid JSON"), 400);
    }
  }
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    return c.json(errorBody("BAD_REQUEST", "the request body must be a JSON object of arguments"), 400);
  }
  const identity = await orrery.identify(c.req.raw);
  const stub = globalStoreFor(c.env, c.req.param("namespace"));
  const result = await stub.call(kind, c.req.param("name"), args, identity);
  if (!result.ok)
    return c.json(errorBody(result.error.code, result.error.message), statusOf(result.error.code));
  return c.json(
    result.commitVersion === undefined
      ? { value: result.value }
      : { value: result.value, commitVersion: result.commitVersion },
  );
});
