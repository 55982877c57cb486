import { createOrrery } from "@orrery/cloudflare";
import migrations from "../migrations/migrations.js";
import { app } from "../orrery/app";

// Every caller is anonymous until you verify tokens: add `auth: jwt({ issuer, audience, jwks })`
// (`jwt` from "@orrery/cloudflare"); functions then read the caller from `ctx.auth`.
const orrery = createOrrery({ app, migrations });

// A class declaration (not `const GlobalStore = …`), so `wrangler types` can name it in Env.
export class GlobalStore extends orrery.GlobalStore {}
export default orrery.worker;
