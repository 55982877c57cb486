import { defineApp } from "@orrery/store";
import * as counters from "./counters";
import crons from "./crons";
import * as jobs from "./jobs";
import * as orderEvents from "./orderEvents";
import * as orders from "./orders";
import { schema } from "./schema";
import * as tasks from "./tasks";

/**
 * The example application: its schema and every function, by "module:export" name. Its callers
 * are identified by the worker's `jwt()` (src/index.ts).
 */
export const app = defineApp({
  schema,
  modules: { tasks, counters, orders, orderEvents, jobs },
  crons,
  // Each message of the `orders` topic (published by orders:upsert) goes to orderEvents:record.
  consumers: { orders: "orderEvents:record" },
});

export type App = typeof app;
