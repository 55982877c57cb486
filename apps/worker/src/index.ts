import { createOrrery, d1, fromEnv, jwt, type WorkerEnv } from "@orrery/cloudflare";
import { mysql } from "@orrery/cloudflare/mysql";
import { postgres } from "@orrery/cloudflare/postgres";
import migrations from "../drizzle/migrations.js";
import { app } from "./app";
import { ADMIN_CLAIM, DEV_AUDIENCE, DEV_ISSUER, devJwks } from "./dev-auth/dev-issuer";
import { devTokenRoute } from "./dev-auth/dev-token-route";

// The example app, hosted exactly like a user's: routes under /api, one GlobalStore per
// namespace, `.global()` tables where the wrangler environment's ORRERY_GLOBAL_BACKEND says.
const orrery = createOrrery({
  app,
  migrations,
  globalBackend: fromEnv({ d1: d1(), postgres: postgres(), mysql: mysql() }),
  // Sign-in with the local development issuer (docs/auth.md). A deployment names its identity
  // provider instead: jwt({ issuer, audience, jwks: "https://<issuer>/.well-known/jwks.json" }).
  auth: jwt({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: devJwks }),
  adminClaim: ADMIN_CLAIM,
});

// A class declaration (not `const GlobalStore = …`), so `wrangler types` can name it in Env.
export class GlobalStore extends orrery.GlobalStore {}

export default {
  // `/api/dev/token` first: it exists only while ORRERY_DEV_AUTH is on (`pnpm start`).
  fetch: async (request: Request, env: WorkerEnv, ctx: ExecutionContext) =>
    (await devTokenRoute(request, env)) ?? orrery.worker.fetch(request, env, ctx),
  scheduled: orrery.worker.scheduled,
  queue: orrery.worker.queue,
};
