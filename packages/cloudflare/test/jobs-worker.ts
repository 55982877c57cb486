import { createOrrery, d1 } from "../src";
import { app } from "./jobs-app/app";
import migrations from "./jobs-app/migrations/migrations.js";

/**
 * A second Orrery in the same user worker, for the scheduler and the outbox: its own Durable
 * Object binding and Queue, short retries and retentions so tests see them play out, and its
 * handlers composed into the worker's default export (`jobs.scheduled`, `jobs.queue`).
 */
export const jobs = createOrrery({
  app,
  migrations,
  globalBackend: d1({ binding: "JOBS_DB" }),
  bindings: { globalStore: "JOBS_STORE" },
  basePath: "/jobs",
  scheduler: { retry: { maxAttempts: 3, initialDelayMs: 200 }, retentionMs: 3000 },
  // "unrouted" names a binding the worker lacks: publishing it is refused.
  outbox: { queue: "JOBS_QUEUE", topics: { unrouted: "NO_SUCH_QUEUE" }, retentionMs: 2000 },
});

export class JobsStore extends jobs.GlobalStore {}
