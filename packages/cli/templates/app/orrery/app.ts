import { defineApp } from "@orrery/store";
import * as messages from "./messages";
import { schema } from "./schema";

/** The app: its schema and every function, named "module:export" (e.g. "messages:send"). */
export const app = defineApp({
  schema,
  modules: { messages },
});

export type App = typeof app;
