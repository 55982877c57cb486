import { getTableColumns } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { orrerySystemTables, SYSTEM_TABLES, systemTableNames, systemTablesDdl } from "./system-tables";

describe("systemTableNames", () => {
  it("lists the store's own tables in declaration order, all or one side's", () => {
    expect(systemTableNames()).toEqual([
      "_orrery_commits",
      "_orrery_meta",
      "_orrery_requests",
      "_orrery_commit_markers",
    ]);
    expect(systemTableNames("home")).toEqual(["_orrery_commits", "_orrery_meta", "_orrery_requests"]);
    expect(systemTableNames("global")).toEqual(["_orrery_commit_markers"]);
  });
});

describe("SYSTEM_TABLES", () => {
  it("names each table and its columns, keyed by their camelCase spelling", () => {
    expect(SYSTEM_TABLES.commits.name).toBe("_orrery_commits");
    expect(SYSTEM_TABLES.commits.columns).toEqual({
      namespace: "namespace",
      version: "version",
      seq: "seq",
      tableName: "table_name",
      docId: "doc_id",
      op: "op",
      committedAt: "committed_at",
    });
    expect(SYSTEM_TABLES.meta.columns).toEqual({ namespace: "namespace", key: "key", value: "value" });
    expect(SYSTEM_TABLES.requests.columns.requestId).toBe("request_id");
    expect(SYSTEM_TABLES.commitMarkers).toEqual({
      name: "_orrery_commit_markers",
      side: "global",
      columns: {
        namespace: "namespace",
        commitId: "commit_id",
        version: "version",
        state: "state",
        createdAt: "created_at",
      },
    });
  });

  it("agrees with the drizzle tables and the DDL, all derived from the same declaration", () => {
    const tables = Object.values(SYSTEM_TABLES).filter((table) => table.side !== "migrator");
    expect(tables.map((table) => table.name)).toEqual(systemTableNames());
    expect(Object.keys(orrerySystemTables)).toEqual(systemTableNames());
    const ddl = systemTablesDdl("sqlite").filter((statement) => statement.startsWith("CREATE TABLE"));
    tables.forEach((table, i) => {
      const config = getTableConfig(orrerySystemTables[table.name]);
      expect(config.name).toBe(table.name);
      expect(config.columns.map((column) => column.name)).toEqual(Object.values(table.columns));
      // The drizzle table's keys are the same camelCase spellings.
      expect(Object.keys(getTableColumns(orrerySystemTables[table.name]))).toEqual(
        Object.keys(table.columns),
      );
      expect(ddl[i]).toContain(`CREATE TABLE IF NOT EXISTS "${table.name}" (`);
      for (const column of Object.values(table.columns)) expect(ddl[i]).toContain(`  "${column}" `);
    });
  });

  it("gives the commit markers table the drizzle shape of the others", () => {
    const config = getTableConfig(orrerySystemTables._orrery_commit_markers);
    expect(config.columns.map((c) => `${c.name} ${c.getSQLType()}${c.notNull ? " NOT NULL" : ""}`)).toEqual([
      "namespace text NOT NULL",
      "commit_id text NOT NULL",
      "version integer NOT NULL",
      "state text NOT NULL",
      "created_at integer NOT NULL",
    ]);
    expect(config.primaryKeys.map((pk) => pk.columns.map((c) => c.name))).toEqual([
      ["namespace", "commit_id"],
    ]);
    expect(config.indexes).toEqual([]);
  });
});

describe("the migrator's table", () => {
  it("is the record orrery migrate keeps, outside the store's tables and the drizzle output", () => {
    expect(SYSTEM_TABLES.migrations).toEqual({
      name: "_orrery_migrations",
      side: "migrator",
      columns: { name: "name", checksum: "checksum", appliedAt: "applied_at" },
    });
    expect(systemTableNames("migrator")).toEqual(["_orrery_migrations"]);
    expect(systemTableNames()).not.toContain("_orrery_migrations");
    expect(Object.keys(orrerySystemTables)).not.toContain("_orrery_migrations");
    expect(systemTablesDdl("postgres").join("\n")).not.toContain("_orrery_migrations");
    expect(systemTablesDdl("postgres", "migrator")).toEqual([
      `CREATE TABLE IF NOT EXISTS "_orrery_migrations" (
  "name" VARCHAR(255) NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "applied_at" BIGINT NOT NULL,
  PRIMARY KEY ("name")
)`,
    ]);
    expect(systemTablesDdl("mysql", "migrator")).toEqual([
      `CREATE TABLE IF NOT EXISTS \`_orrery_migrations\` (
  \`name\` VARCHAR(255) NOT NULL,
  \`checksum\` VARCHAR(64) NOT NULL,
  \`applied_at\` BIGINT NOT NULL,
  PRIMARY KEY (\`name\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ]);
  });
});
