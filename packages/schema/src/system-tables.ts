import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Engine } from "./columns";
import { MYSQL_TABLE_OPTIONS, quoteIdentifier } from "./ddl";

/** The commit log: one row per document written by commit `version` of a namespace. */
const commits = sqliteTable(
  "_orrery_commits",
  {
    namespace: text("namespace").notNull(),
    version: integer("version").notNull(),
    seq: integer("seq").notNull(),
    tableName: text("table_name").notNull(),
    docId: text("doc_id").notNull(),
    op: text("op").notNull(),
    committedAt: integer("committed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.version, t.seq] })],
);

/** Per-namespace key/value state (such as the latest commit version). */
const meta = sqliteTable(
  "_orrery_meta",
  {
    namespace: text("namespace").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.key] })],
);

/** Results of mutations by client request id, so a retried request runs once. */
const requests = sqliteTable(
  "_orrery_requests",
  {
    namespace: text("namespace").notNull(),
    requestId: text("request_id").notNull(),
    result: text("result").notNull(),
    commitVersion: integer("commit_version"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.namespace, t.requestId] }),
    index("_orrery_requests__by_created_at").on(t.namespace, t.createdAt),
  ],
);

/**
 * Commit markers, kept beside `.global()` tables in the external engine: a commit that spans
 * the namespace's Durable Object and the external database writes its marker in the external
 * transaction, so after a lost reply the store can tell whether that transaction landed.
 */
const commitMarkers = sqliteTable(
  "_orrery_commit_markers",
  {
    namespace: text("namespace").notNull(),
    commitId: text("commit_id").notNull(),
    version: integer("version").notNull(),
    state: text("state").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.commitId] })],
);

/** Drizzle definitions of the store's own tables; export them beside the app's tables for drizzle-kit. */
export const orrerySystemTables = {
  _orrery_commits: commits,
  _orrery_meta: meta,
  _orrery_requests: requests,
  _orrery_commit_markers: commitMarkers,
} as const;

// key: short text that takes part in keys; long: unbounded text; int: 64-bit integer.
type SystemColumnType = "key" | "long" | "int";

/** Where a system table lives: with the store's home (the Durable Object) or beside `.global()` tables. */
type SystemTableSide = "home" | "global";

interface SystemTableSpec {
  name: string;
  side: SystemTableSide;
  columns: [name: string, type: SystemColumnType, nullable?: boolean][];
  primaryKey: string[];
  indexes: { name: string; columns: string[] }[];
}

const SYSTEM_TABLE_SPECS: SystemTableSpec[] = [
  {
    name: "_orrery_commits",
    side: "home",
    columns: [
      ["namespace", "key"],
      ["version", "int"],
      ["seq", "int"],
      ["table_name", "key"],
      ["doc_id", "key"],
      ["op", "key"],
      ["committed_at", "int"],
    ],
    primaryKey: ["namespace", "version", "seq"],
    indexes: [],
  },
  {
    name: "_orrery_meta",
    side: "home",
    columns: [
      ["namespace", "key"],
      ["key", "key"],
      ["value", "long"],
    ],
    primaryKey: ["namespace", "key"],
    indexes: [],
  },
  {
    name: "_orrery_requests",
    side: "home",
    columns: [
      ["namespace", "key"],
      ["request_id", "key"],
      ["result", "long"],
      ["commit_version", "int", true],
      ["created_at", "int"],
    ],
    primaryKey: ["namespace", "request_id"],
    indexes: [{ name: "_orrery_requests__by_created_at", columns: ["namespace", "created_at"] }],
  },
  {
    name: "_orrery_commit_markers",
    side: "global",
    columns: [
      ["namespace", "key"],
      ["commit_id", "key"],
      ["version", "int"],
      ["state", "key"],
      ["created_at", "int"],
    ],
    primaryKey: ["namespace", "commit_id"],
    indexes: [],
  },
];

const SYSTEM_SQL_TYPES: Record<Engine, Record<SystemColumnType, string>> = {
  sqlite: { key: "TEXT", long: "TEXT", int: "INTEGER" },
  postgres: { key: "TEXT", long: "TEXT", int: "BIGINT" },
  mysql: { key: "VARCHAR(255)", long: "LONGTEXT", int: "BIGINT" },
};

/**
 * DDL for the store's own tables on any engine (the same tables as `orrerySystemTables`): all
 * of them, or only those one side needs (`global`: what an external database holds).
 */
export function systemTablesDdl(engine: Engine, side?: SystemTableSide): string[] {
  const q = (name: string) => quoteIdentifier(name, engine);
  const specs = side ? SYSTEM_TABLE_SPECS.filter((spec) => spec.side === side) : SYSTEM_TABLE_SPECS;
  return specs.flatMap((spec) => {
    const lines = spec.columns.map(
      ([name, type, nullable]) =>
        `  ${q(name)} ${SYSTEM_SQL_TYPES[engine][type]}${nullable ? "" : " NOT NULL"}`,
    );
    lines.push(`  PRIMARY KEY (${spec.primaryKey.map(q).join(", ")})`);
    if (engine === "mysql") {
      for (const idx of spec.indexes) lines.push(`  INDEX ${q(idx.name)} (${idx.columns.map(q).join(", ")})`);
      return [`CREATE TABLE IF NOT EXISTS ${q(spec.name)} (\n${lines.join(",\n")}\n) ${MYSQL_TABLE_OPTIONS}`];
    }
    return [
      `CREATE TABLE IF NOT EXISTS ${q(spec.name)} (\n${lines.join(",\n")}\n)`,
      ...spec.indexes.map(
        (idx) =>
          `CREATE INDEX IF NOT EXISTS ${q(idx.name)} ON ${q(spec.name)} (${idx.columns.map(q).join(", ")})`,
      ),
    ];
  });
}
