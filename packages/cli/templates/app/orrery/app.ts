import { defineApp } from "@orrery/store";
import * as messages from "./messages";
import { schema } from "./schema";

/** The app: its schema and every function, named "module:export" (e.g. "messages:send"). */
export const app = defineApp({
  schema,
  modules: { messages },
  // Everyone is anonymous; return an identity from the request to sign callers in.
  auth: () => null,
});

export type App = typeof app;
