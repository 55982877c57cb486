import { defineApp } from "@orrery/store";
import * as counters from "./counters";
import * as orders from "./orders";
import { schema } from "./schema";
import * as tasks from "./tasks";

/** The example application: its schema and every function, by "module:export" name. */
export const app = defineApp({
  schema,
  modules: { tasks, counters, orders },
  // Anonymous is fine for the demo; a real app verifies a token here.
  auth: () => null,
});

export type App = typeof app;
