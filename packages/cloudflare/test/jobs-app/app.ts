import { defineApp } from "@orrery/store";
import * as jobs from "./jobs";
import { schema } from "./schema";

export const app = defineApp({
  schema,
  modules: { jobs },
  crons: jobs.crons,
  consumers: { "job-events": "jobs:received" },
});
