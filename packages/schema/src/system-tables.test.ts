import { getTableColumns } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { scheduledJobsTable } from "./scheduled-jobs-table";
import { orrerySystemTables, SYSTEM_DOCUMENT_TABLES, SYSTEM_TABLES, systemTableNames } from "./system-tables";
import { systemTablesDdl } from "./system-tables-ddl";

describe("systemTableNames", () => {
  it("lists the store's own tables in declaration order, all or one side's", () => {
    expect(systemTableNames()).toEqual([
      "_orrery_commits",
      "_orrery_meta",
      "_orrery_requests",
      "_orrery_jobs",
      "_orrery_outbox",
      "_orrery_commit_markers",
      "_orrery_global_outbox",
      "_orrery_leases",
    ]);
    expect(systemTableNames("home")).toEqual([
      "_orrery_commits",
      "_orrery_meta",
      "_orrery_requests",
      "_orrery_jobs",
      "_orrery_outbox",
    ]);
    expect(systemTableNames("global")).toEqual([
      "_orrery_commit_markers",
      "_orrery_global_outbox",
      "_orrery_leases",
    ]);
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
    const tables = Object.values(SYSTEM_TABLES).filter(
      (table) => table.side === "home" || table.side === "global",
    );
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

describe("the etl id map", () => {
  it("is the record orrery etl keeps, outside the store's tables and the drizzle output", () => {
    expect(SYSTEM_TABLES.etlIds).toEqual({
      name: "_orrery_etl_ids",
      side: "etl",
      columns: {
        namespace: "namespace",
        sourceTable: "source_table",
        sourceId: "source_id",
        tableName: "table_name",
        docId: "doc_id",
      },
    });
    expect(systemTableNames("etl")).toEqual(["_orrery_etl_ids"]);
    expect(systemTableNames()).not.toContain("_orrery_etl_ids");
    expect(Object.keys(orrerySystemTables)).not.toContain("_orrery_etl_ids");
    expect(systemTablesDdl("mysql").join("\n")).not.toContain("_orrery_etl_ids");
    expect(systemTablesDdl("mysql", "migrator").join("\n")).not.toContain("_orrery_etl_ids");
    // Three VARCHAR(255) utf8mb4 key columns: 3060 bytes, within InnoDB's 3072.
    expect(systemTablesDdl("mysql", "etl")).toEqual([
      `CREATE TABLE IF NOT EXISTS \`_orrery_etl_ids\` (
  \`namespace\` VARCHAR(255) NOT NULL,
  \`source_table\` VARCHAR(255) NOT NULL,
  \`source_id\` VARCHAR(255) NOT NULL,
  \`table_name\` VARCHAR(255) NOT NULL,
  \`doc_id\` VARCHAR(255) NOT NULL,
  PRIMARY KEY (\`namespace\`, \`source_table\`, \`source_id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ]);
  });
});

describe("the scheduler's jobs table", () => {
  it("is a document table: system fields and one column per field, in the drizzle output and the list of document tables", () => {
    expect(SYSTEM_TABLES.scheduledJobs.name).toBe("_orrery_jobs");
    expect(SYSTEM_TABLES.scheduledJobs.columns.runAt).toBe("runAt");
    expect(SYSTEM_TABLES.scheduledJobs.columns._creationTime).toBe("_creationTime");
    expect(SYSTEM_DOCUMENT_TABLES._orrery_jobs).toBe(scheduledJobsTable);
    const config = getTableConfig(orrerySystemTables._orrery_jobs);
    expect(config.columns.map((c) => c.name)).toEqual(Object.values(SYSTEM_TABLES.scheduledJobs.columns));
    expect(config.indexes.map((i) => i.config.name)).toEqual([
      "_orrery_jobs__by_creation_time",
      "_orrery_jobs__by_status",
      "_orrery_jobs__by_completed_at",
      "_orrery_jobs__by_status_cron",
    ]);
  });
});
