import { type AppApi, createApi } from "@orrery/protocol";
import type { App } from "@orrery/worker/app";

/** Typed references to the worker's functions: `api.tasks.list` names "tasks:list". */
export const api = createApi<AppApi<App>>();
