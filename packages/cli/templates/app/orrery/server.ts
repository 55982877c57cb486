import { functionBuilders } from "@orrery/store";
import type { AppSchema } from "./schema";

/** Builders typed to this app's schema: `ctx.db` knows every table, index and field. */
export const { query, mutation, action } = functionBuilders<AppSchema>();
