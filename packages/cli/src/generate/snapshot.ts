/** One table in a drizzle-kit SQLite snapshot: the parts `orrery generate` reads. */
export interface SnapshotTable {
  name: string;
  columns: Record<string, Record<string, unknown>>;
  indexes: Record<string, { columns: string[] }>;
  foreignKeys: Record<string, unknown>;
  compositePrimaryKeys: Record<string, unknown>;
  uniqueConstraints: Record<string, unknown>;
  checkConstraints?: Record<string, unknown>;
}

/**
 * A drizzle-kit SQLite snapshot (`meta/NNNN_snapshot.json`, version "6"). Declared here because
 * drizzle-kit's own type (`DrizzleSQLiteSnapshotJSON`) refers to zod types it does not ship.
 */
export interface Snapshot {
  version: string;
  dialect: string;
  id: string;
  prevId: string;
  tables: Record<string, SnapshotTable>;
  views: Record<string, unknown>;
  enums: Record<string, unknown>;
  _meta: Record<string, Record<string, string>>;
  internal?: unknown;
}

/** drizzle-kit's id for "no previous snapshot". */
export const ORIGIN_ID = "00000000-0000-0000-0000-000000000000";

export const SNAPSHOT_VERSION = "6";

/** The snapshot of an empty database, which the first migration is diffed against (drizzle-kit's `drySQLite`). */
export const EMPTY_SNAPSHOT: Snapshot = {
  version: SNAPSHOT_VERSION,
  dialect: "sqlite",
  id: ORIGIN_ID,
  prevId: "",
  tables: {},
  views: {},
  enums: {},
  _meta: { tables: {}, columns: {} },
};
