// The drizzle view of the schema, for drizzle-kit: one migrations folder serves the
// GlobalStore Durable Objects and D1 alike. Regenerate with `pnpm --filter @orrery/worker db:generate`.
import { orrerySystemTables, sqliteTables } from "@orrery/schema";
import { schema } from "./schema";

export const { tasks, counters, orders } = sqliteTables(schema);
export const { _orrery_commits, _orrery_meta, _orrery_requests, _orrery_commit_markers } = orrerySystemTables;
