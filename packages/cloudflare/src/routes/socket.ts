import { errorBody } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import { Hono } from "hono";
import { globalStoreFor } from "../durable/global-store-stub";
import { IDENTITY_HEADER } from "../durable/identity-header";
import type { OrreryConfig, WorkerEnv } from "../options";

/**
 * `GET <base>/:namespace/ws`: the live-query WebSocket (docs/protocol.md), handed to the
 * namespace's GlobalStore with the caller's identity, which only this route may set.
 */
export const socketRoute = <S extends SchemaDefinition>(config: OrreryConfig<S>) =>
  new Hono<{ Bindings: WorkerEnv }>().get("/:namespace/ws", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return c.json(errorBody("BAD_REQUEST", "expected a WebSocket upgrade request"), 426);
    }
    const identity = await config.app.identify(c.req.raw);
    // partyserver takes a connection's id from `_pk` when a client sends one; the id keys the
    // connection's state and its anonymous request ids, so the server always chooses it.
    const url = new URL(c.req.url);
    url.searchParams.delete("_pk");
    const request = new Request(url, c.req.raw);
    // Always overwritten here, so a client cannot claim an identity by sending the header.
    request.headers.set(IDENTITY_HEADER, identity ? JSON.stringify(identity) : "");
    return globalStoreFor(c.env, config.globalStoreBinding, c.req.param("namespace")).fetch(request);
  });
