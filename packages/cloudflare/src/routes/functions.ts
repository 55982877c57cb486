import { errorBody, MAX_FRAME_BYTES, MAX_ID_LENGTH, statusOf, type WireValue } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { Identity } from "@orrery/store";
import { Hono } from "hono";
import { identifyCaller } from "../auth/identify";
import { refusalResponse } from "../auth/refusal-response";
import { globalStoreFor } from "../durable/global-store-stub";
import type { OrreryConfig, WorkerEnv } from "../options";
import { readBodyUpTo } from "./read-body";

const KIND_OF_PATH = { queries: "query", mutations: "mutation", actions: "action" } as const;
type KindPath = keyof typeof KIND_OF_PATH;

/** A retried mutation with this header runs once (see docs/protocol.md, "Over HTTP"). */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** The anonymous client's lasting id, which scopes its idempotency keys (the client library sends it). */
export const CLIENT_ID_HEADER = "Orrery-Client-Id";
/**
 * `Retry-After` on a `MAINTENANCE` answer: how long a caller waits before it asks again. A
 * maintenance window has no known end, so this is a polling interval, not a promise.
 */
export const MAINTENANCE_RETRY_AFTER_SECONDS = 30;

/**
 * `POST <base>/:namespace/{queries|mutations|actions}/:name` with JSON arguments, answering
 * `{ "value": … }` or `{ "error": { "code", "message" } }`. The call runs in the namespace's
 * GlobalStore, so an HTTP mutation updates live queries like a WebSocket one.
 *
 * A mutation with an `Idempotency-Key` is deduplicated exactly like a socket's `requestId`:
 * within the caller's scope (the signed-in user, else the `Orrery-Client-Id`), so a key is
 * never answered with someone else's result. A query ignores the key; an action refuses it.
 */
export const functionRoutes = <S extends SchemaDefinition>(config: OrreryConfig<S>) =>
  new Hono<{ Bindings: WorkerEnv }>().post("/:namespace/:kind/:name", async (c) => {
    const kindPath = c.req.param("kind");
    if (!(kindPath in KIND_OF_PATH)) {
      return c.json(
        errorBody(
          "NOT_FOUND",
          `no route ${config.basePath}/:namespace/${kindPath}; use queries, mutations or actions`,
        ),
        404,
      );
    }
    const kind = KIND_OF_PATH[kindPath as KindPath];
    // First: a caller whose token is refused is told so, whatever else is wrong with the call.
    let identity: Identity | null;
    try {
      identity = (await identifyCaller(config, c.req.raw, c.env))?.identity ?? null;
    } catch (error) {
      return refusalResponse(error);
    }
    const idempotencyKey = c.req.header(IDEMPOTENCY_KEY_HEADER);
    const clientId = c.req.header(CLIENT_ID_HEADER);
    for (const [header, value] of [
      [IDEMPOTENCY_KEY_HEADER, idempotencyKey],
      [CLIENT_ID_HEADER, clientId],
    ] as const) {
      if (value !== undefined && (value === "" || value.length > MAX_ID_LENGTH)) {
        return c.json(
          errorBody("BAD_REQUEST", `${header} must be 1 to ${MAX_ID_LENGTH} characters long`),
          400,
        );
      }
    }
    if (idempotencyKey !== undefined && kind === "action") {
      return c.json(
        errorBody(
          "BAD_REQUEST",
          `actions are not idempotent (they may act outside Orrery), so they take no ${IDEMPOTENCY_KEY_HEADER}; send it with mutations only`,
        ),
        400,
      );
    }
    const text = await readBodyUpTo(c.req.raw, MAX_FRAME_BYTES);
    if (text === null) {
      return c.json(
        errorBody("PAYLOAD_TOO_LARGE", `arguments are larger than ${MAX_FRAME_BYTES} bytes`),
        413,
      );
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
    // A query has no effect to repeat, so its key is simply not used.
    const requestId = kind === "mutation" ? idempotencyKey : undefined;
    if (requestId !== undefined && identity === null && clientId === undefined) {
      // Unscoped, the key would be shared by every anonymous caller: a guess would be answered
      // with another caller's result.
      return c.json(
        errorBody(
          "BAD_REQUEST",
          `an anonymous ${IDEMPOTENCY_KEY_HEADER} needs an ${CLIENT_ID_HEADER} header (a random id the client keeps, e.g. a UUID) to say whose key it is; send one, or sign in`,
        ),
        400,
      );
    }
    const stub = globalStoreFor(c.env, config.globalStoreBinding, c.req.param("namespace"));
    const result = await stub.call(
      kind,
      c.req.param("name"),
      args,
      identity,
      requestId === undefined ? {} : { requestId, ...(clientId === undefined ? {} : { clientId }) },
    );
    if (!result.ok)
      return c.json(
        errorBody(result.error.code, result.error.message),
        statusOf(result.error.code),
        result.error.code === "MAINTENANCE"
          ? { "Retry-After": String(MAINTENANCE_RETRY_AFTER_SECONDS) }
          : undefined,
      );
    return c.json(
      result.commitVersion === undefined
        ? { value: result.value }
        : { value: result.value, commitVersion: result.commitVersion },
    );
  });
