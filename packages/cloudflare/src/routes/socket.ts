import { errorBody, OrreryError, readSubprotocols, SUBPROTOCOL } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import { Hono } from "hono";
import { identifyCaller } from "../auth/identify";
import { refusalResponse } from "../auth/refusal-response";
import { globalStoreFor } from "../durable/global-store-stub";
import { IDENTITY_HEADER, identityHeaderOf } from "../durable/identity-header";
import type { OrreryConfig, WorkerEnv } from "../options";

/**
 * `GET <base>/:namespace/ws`: the live-query WebSocket (docs/protocol.md), handed to the
 * namespace's GlobalStore with the caller's identity, which only this route may set. The token
 * comes in the offered subprotocols (`orrery`, `orrery.auth.<token>`), which a browser can set,
 * or an `Authorization: Bearer` header; a refused one fails the upgrade with a 401.
 */
export const socketRoute = <S extends SchemaDefinition>(config: OrreryConfig<S>) =>
  new Hono<{ Bindings: WorkerEnv }>().get("/:namespace/ws", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return c.json(errorBody("BAD_REQUEST", "expected a WebSocket upgrade request"), 426);
    }
    const offered = readSubprotocols(c.req.header("sec-websocket-protocol") ?? null);
    if (offered.token !== null && !config.auth)
      return refusalResponse(
        new OrreryError("UNAUTHENTICATED", "this server verifies no tokens (its createOrrery has no auth)"),
      );
    let verified: Awaited<ReturnType<typeof identifyCaller>>;
    try {
      verified = await identifyCaller(config, c.req.raw, c.env, offered.token);
    } catch (error) {
      return refusalResponse(error);
    }
    // partyserver takes a connection's id from `_pk` when a client sends one; the id keys the
    // connection's state and its anonymous request ids, so the server always chooses it.
    const url = new URL(c.req.url);
    url.searchParams.delete("_pk");
    const request = new Request(url, c.req.raw);
    // The token goes no further than this route.
    request.headers.delete("sec-websocket-protocol");
    request.headers.delete("authorization");
    // Always overwritten here, so a client cannot claim an identity by sending the header.
    request.headers.set(IDENTITY_HEADER, identityHeaderOf(verified));
    const response = await globalStoreFor(c.env, config.globalStoreBinding, c.req.param("namespace")).fetch(
      request,
    );
    if (!offered.orrery || response.status !== 101) return response;
    // A browser that offered subprotocols fails a handshake whose answer names none.
    const headers = new Headers(response.headers);
    headers.set("Sec-WebSocket-Protocol", SUBPROTOCOL);
    return new Response(null, { status: 101, headers, webSocket: response.webSocket });
  });
