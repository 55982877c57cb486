import { createOrrery, d1, fromEnv } from "@orrery/cloudflare";
import { mysql } from "@orrery/cloudflare/mysql";
import { postgres } from "@orrery/cloudflare/postgres";
import migrations from "../drizzle/migrations.js";
import { app } from "./app";

// The example app, hosted exactly like a user's: routes under /api, one GlobalStore per
// namespace, `.global()` tables where the wrangler environment's ORRERY_GLOBAL_BACKEND says.
const orrery = createOrrery({
  app,
  migrations,
  globalBackend: fromEnv({ d1: d1(), postgres: postgres(), mysql: mysql() }),
});

// A class declaration (not `const GlobalStore = …`), so `wrangler types` can name it in Env.
export class GlobalStore extends orrery.GlobalStore {}
export default orrery.worker;
