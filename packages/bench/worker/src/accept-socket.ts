/**
 * The raw peers' upgrade: accepts the WebSocket on the hibernation API, so its messages arrive
 * as `webSocketMessage` events as they do for partyserver and Orrery.
 */
export function acceptSocket(ctx: DurableObjectState, request: Request): Response {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket")
    return new Response("expected a WebSocket upgrade", { status: 426 });
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  ctx.acceptWebSocket(server);
  return new Response(null, { status: 101, webSocket: client });
}

/** A frame as text (the driver sends text; a binary frame is decoded as UTF-8). */
export function frameText(message: string | ArrayBuffer): string {
  return typeof message === "string" ? message : new TextDecoder().decode(message);
}
