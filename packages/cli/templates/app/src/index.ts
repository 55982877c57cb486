import { createOrrery } from "@orrery/cloudflare";
import migrations from "../migrations/migrations.js";
import { app } from "../orrery/app";

const orrery = createOrrery({ app, migrations });

// A class declaration (not `const GlobalStore = …`), so `wrangler types` can name it in Env.
export class GlobalStore extends orrery.GlobalStore {}
export default orrery.worker;
