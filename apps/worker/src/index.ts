import { Hono } from "hono";
import { app as orrery } from "./app";
import { globalStoreFor } from "./durable/global-store-stub";
import { IDENTITY_HEADER } from "./durable/identity-header";
import { adminRoutes } from "./routes/admin";
import { functionRoutes } from "./routes/functions";
import { errorBody } from "./routes/http-status";

export { GlobalStore } from "./durable/global-store";

const app = new Hono<{ Bindings: Env }>();

app.get("/api/health", (c) =>
  c.json({ ok: true, service: "orrery", globalBackend: c.env.ORRERY_GLOBAL_BACKEND }),
);

app.get("/api/:namespace/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return c.json(errorBody("BAD_REQUEST", "expected a WebSocket upgrade request"), 426);
  }
  const identity = await orrery.identify(c.req.raw);
  // partyserver takes a connection's id from `_pk` when a client sends one; the id keys the
  // connection's state and its anonymous request ids, so the server always chooses it.
  const url = new URL(c.req.url);
  url.searchParams.delete("_pk");
  const request = new Request(url, c.req.raw);
  // Always overwritten here, so a client cannot claim an identity by sending the header.
  request.headers.set(IDENTITY_HEADER, identity ? JSON.stringify(identity) : "");
  return globalStoreFor(c.env, c.req.param("namespace")).fetch(request);
});

app.route("/", adminRoutes);
app.route("/", functionRoutes);

app.notFound((c) =>
  c.json(errorBody("NOT_FOUND", `no route ${c.req.method} ${new URL(c.req.url).pathname}`), 404),
);
app.onError((error, c) => c.json(errorBody("INTERNAL", error.message), 500));

export default app;
