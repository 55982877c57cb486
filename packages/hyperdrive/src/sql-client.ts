/**
 * The action-only `ctx.sql`: one parameterised query against a database Orrery does not own,
 * reached through Hyperdrive. Placeholders are the driver's own (`$1` on Postgres, `?` on
 * MySQL); the SQL text is passed through untouched.
 *
 * Only actions get it. A query over the network is an external, mutable read, so it would
 * break the determinism of queries and mutations; and writes made through it are invisible to
 * live queries (no commit, no invalidation). To make such rows reactive, read them in an
 * action and upsert a projection through a mutation.
 */
export type { SqlClient } from "@orrery/store";
