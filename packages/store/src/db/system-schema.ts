import {
  type DocOf,
  type SchemaDefinition,
  type SYSTEM_DOCUMENT_TABLES,
  SYSTEM_TABLES,
} from "@orrery/schema";

/** The store's own document tables as a schema: what `ctx.db.system` reads. */
export type SystemSchema = SchemaDefinition<typeof SYSTEM_DOCUMENT_TABLES>;

/** The scheduler's jobs table, `_orrery_jobs`. */
export const JOBS_TABLE = SYSTEM_TABLES.scheduledJobs.name;

/** A scheduled job as `ctx.db.system.query("_orrery_jobs")` returns it. */
export type ScheduledJob = DocOf<SystemSchema, typeof JOBS_TABLE>;
