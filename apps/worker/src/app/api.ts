import { type AppApi, createApi } from "@orrery/store";
import type { App } from "./index";

/**
 * Typed references to the app's functions (`api.orders.upsert` is "orders:upsert"), for
 * `ctx.runQuery` / `ctx.runMutation` in actions. A handler that uses `api` on its own module
 * needs a written return type, since `api` is derived from that module's type.
 */
export const api = createApi<AppApi<App>>();
