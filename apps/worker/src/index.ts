import { Hono } from "hono";
import { GlobalStore } from "./global-store";

export { GlobalStore };

const app = new Hono<{ Bindings: Env }>();

app.get("/api/health", (c) => c.json({ ok: true, service: "orrery", globalBackend: c.env.ORRERY_GLOBAL_BACKEND }));

app.get("/api/:namespace/ws", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return c.json({ error: { code: "BAD_REQUEST", message: "expected a WebSocket upgrade request" } }, 426);
  }
  const stub = c.env.GLOBAL_STORE.getByName(c.req.param("namespace"));
  return stub.fetch(c.req.raw);
});

export default app;
