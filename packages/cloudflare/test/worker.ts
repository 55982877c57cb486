import { Hono } from "hono";
import { createOrrery, d1, jwt } from "../src";
import { app } from "./app/app";
import { ISSUER, JWKS_URL } from "./auth/stand-in-issuer";
import { jobs } from "./jobs-worker";
import migrations from "./migrations/migrations.js";

// A user's own worker: its own binding names and routes, Orrery mounted under /v1.
const orrery = createOrrery({
  app,
  migrations,
  globalBackend: d1({ binding: "NOTES_DB" }),
  bindings: { globalStore: "NOTES_STORE", adminToken: "NOTES_ADMIN" },
  basePath: "/v1",
  // ES256/RS256 tokens of the stand-in issuer (its JWKS refetched as soon as a token names a
  // key it lacks), HS256 ones signed with the development secret.
  auth: jwt({
    issuer: ISSUER,
    audience: "notes",
    jwks: JWKS_URL,
    secret: (env) => env.NOTES_JWT_SECRET as string | undefined,
    jwksCache: { cooldownMs: 0 },
  }),
  adminClaim: "notes_admin",
});

export class NotesStore extends orrery.GlobalStore {}

const worker = new Hono();
worker.get("/", (c) => c.text("the user's own page"));
worker.route("/v1", orrery.routes);
worker.route("/jobs", jobs.routes);

export { JobsStore } from "./jobs-worker";
// The second Orrery's Cron Trigger and Queue consumer, beside the user's own routes.
export default { fetch: worker.fetch, scheduled: jobs.scheduled, queue: jobs.queue };
/** `orrery.worker` on its own, for the tests that use it directly. */
export const standalone = orrery.worker;
