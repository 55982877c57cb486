import { defineApp } from "../../src/functions/app";
import * as counters from "./counters";
import { schema } from "./schema";
import * as tasks from "./tasks";

export const app = defineApp({
  schema,
  modules: { tasks, counters },
  auth: (request) => {
    const user = request.headers.get("x-user");
    return user ? { subject: user, via: "header" } : null;
  },
});
