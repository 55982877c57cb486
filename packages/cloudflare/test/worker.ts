import { Hono } from "hono";
import { createOrrery, d1 } from "../src";
import { app } from "./app/app";
import migrations from "./migrations/migrations.js";

// A user's own worker: its own binding names and routes, Orrery mounted under /v1.
const orrery = createOrrery({
  app,
  migrations,
  globalBackend: d1({ binding: "NOTES_DB" }),
  bindings: { globalStore: "NOTES_STORE", adminToken: "NOTES_ADMIN" },
  basePath: "/v1",
});

export class NotesStore extends orrery.GlobalStore {}

const worker = new Hono();
worker.get("/", (c) => c.text("the user's own page"));
worker.route("/v1", orrery.routes);

export default worker;
/** `orrery.worker` on its own, for the tests that use it directly. */
export const standalone = orrery.worker;
