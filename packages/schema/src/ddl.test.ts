import { describe, expect, it } from "vitest";
import { createTableSql, schemaDdl } from "./ddl";
import { schema } from "./sample-schema.fixture";
import { scheduledJobsTable } from "./scheduled-jobs-table";
import { defineSchema } from "./schema";
import { systemTablesDdl } from "./system-tables-ddl";
import { defineTable } from "./table";
import { v } from "./v";

const todos = defineTable({
  list: v.id("lists"),
  text: v.string(),
  done: v.boolean(),
  due: v.optional(v.number()),
  tags: v.array(v.string()),
}).index("by_list", ["list", "due"]);

const counters = defineTable({ name: v.string(), value: v.int64() }).index("by_name", ["name"]).global();

describe("createTableSql", () => {
  it("creates a global table on sqlite, the shape the drizzle migrations give DO and D1", () => {
    expect(createTableSql("counters", counters, "sqlite")).toEqual([
      `CREATE TABLE IF NOT EXISTS "counters" (
  "_id" TEXT NOT NULL,
  "_creationTime" REAL NOT NULL,
  "_version" INTEGER NOT NULL,
  "_namespace" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "value" INTEGER NOT NULL,
  PRIMARY KEY ("_id")
)`,
      'CREATE INDEX IF NOT EXISTS "counters__by_creation_time" ON "counters" ("_namespace", "_creationTime", "_id")',
      'CREATE INDEX IF NOT EXISTS "counters__by_name" ON "counters" ("_namespace", "name", "_id")',
    ]);
    expect(systemTablesDdl("sqlite")[0]).toContain('"version" INTEGER NOT NULL');
  });

  it("creates a DO table on postgres", () => {
    expect(createTableSql("todos", todos, "postgres")).toEqual([
      `CREATE TABLE IF NOT EXISTS "todos" (
  "_id" VARCHAR(26) COLLATE "C" NOT NULL,
  "_creationTime" DOUBLE PRECISION NOT NULL,
  "_version" BIGINT NOT NULL,
  "list" VARCHAR(26) COLLATE "C" NOT NULL,
  "text" TEXT COLLATE "C" NOT NULL,
  "done" BOOLEAN NOT NULL,
  "due" DOUBLE PRECISION,
  "tags" JSONB NOT NULL,
  PRIMARY KEY ("_id")
)`,
      'CREATE INDEX IF NOT EXISTS "todos__by_creation_time" ON "todos" ("_creationTime", "_id")',
      'CREATE INDEX IF NOT EXISTS "todos__by_list" ON "todos" ("list", "due" NULLS FIRST, "_id")',
    ]);
  });

  it("creates a global table on postgres", () => {
    expect(createTableSql("counters", counters, "postgres")).toEqual([
      `CREATE TABLE IF NOT EXISTS "counters" (
  "_id" VARCHAR(26) COLLATE "C" NOT NULL,
  "_creationTime" DOUBLE PRECISION NOT NULL,
  "_version" BIGINT NOT NULL,
  "_namespace" VARCHAR(255) COLLATE "C" NOT NULL,
  "name" TEXT COLLATE "C" NOT NULL,
  "value" BIGINT NOT NULL,
  PRIMARY KEY ("_namespace", "_id")
)`,
      'CREATE INDEX IF NOT EXISTS "counters__by_creation_time" ON "counters" ("_namespace", "_creationTime", "_id")',
      'CREATE INDEX IF NOT EXISTS "counters__by_name" ON "counters" ("_namespace", "name", "_id")',
    ]);
  });

  it("creates a DO table on mysql with inline indexes", () => {
    expect(createTableSql("todos", todos, "mysql")).toEqual([
      `CREATE TABLE IF NOT EXISTS \`todos\` (
  \`_id\` VARCHAR(26) NOT NULL,
  \`_creationTime\` DOUBLE NOT NULL,
  \`_version\` BIGINT NOT NULL,
  \`list\` VARCHAR(26) NOT NULL,
  \`text\` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  \`done\` TINYINT(1) NOT NULL,
  \`due\` DOUBLE,
  \`tags\` JSON NOT NULL,
  PRIMARY KEY (\`_id\`),
  INDEX \`todos__by_creation_time\` (\`_creationTime\`, \`_id\`),
  INDEX \`todos__by_list\` (\`list\`, \`due\`, \`_id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ]);
  });

  it("creates a global table on mysql", () => {
    expect(createTableSql("counters", counters, "mysql")).toEqual([
      `CREATE TABLE IF NOT EXISTS \`counters\` (
  \`_id\` VARCHAR(26) NOT NULL,
  \`_creationTime\` DOUBLE NOT NULL,
  \`_version\` BIGINT NOT NULL,
  \`_namespace\` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  \`name\` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  \`value\` BIGINT NOT NULL,
  PRIMARY KEY (\`_namespace\`, \`_id\`),
  INDEX \`counters__by_creation_time\` (\`_namespace\`, \`_creationTime\`, \`_id\`),
  INDEX \`counters__by_name\` (\`_namespace\`, \`name\`, \`_id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ]);
  });

  it("refuses a MySQL index longer than InnoDB allows", () => {
    const wide = defineTable({ a: v.string(), b: v.string() }).index("by_ab", ["a", "b"]).global();
    expect(() => createTableSql("wide", wide, "mysql")).toThrow(/3164 key bytes on MySQL/);
    expect(createTableSql("wide", wide, "postgres")).toHaveLength(3);
  });
});

describe("schemaDdl", () => {
  it("covers every table, or only the global ones", () => {
    expect(schemaDdl(schema, "postgres")).toHaveLength(4 + 3);
    const onlyGlobal = schemaDdl(schema, "mysql", { onlyGlobal: true });
    expect(onlyGlobal).toHaveLength(1);
    expect(onlyGlobal[0]).toMatch(/^CREATE TABLE IF NOT EXISTS `counters`/);
    expect(schemaDdl(defineSchema({}), "postgres")).toEqual([]);
  });
});

describe("systemTablesDdl", () => {
  it("creates the store's tables on postgres", () => {
    const home = systemTablesDdl("postgres", "home");
    expect(home.slice(0, 4)).toEqual([
      `CREATE TABLE IF NOT EXISTS "_orrery_commits" (
  "namespace" TEXT NOT NULL,
  "version" BIGINT NOT NULL,
  "seq" BIGINT NOT NULL,
  "table_name" TEXT NOT NULL,
  "doc_id" TEXT NOT NULL,
  "op" TEXT NOT NULL,
  "committed_at" BIGINT NOT NULL,
  PRIMARY KEY ("namespace", "version", "seq")
)`,
      `CREATE TABLE IF NOT EXISTS "_orrery_meta" (
  "namespace" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "value" TEXT NOT NULL,
  PRIMARY KEY ("namespace", "key")
)`,
      `CREATE TABLE IF NOT EXISTS "_orrery_requests" (
  "namespace" TEXT NOT NULL,
  "request_id" TEXT NOT NULL,
  "result" TEXT NOT NULL,
  "commit_version" BIGINT,
  "created_at" BIGINT NOT NULL,
  PRIMARY KEY ("namespace", "request_id")
)`,
      'CREATE INDEX IF NOT EXISTS "_orrery_requests__by_created_at" ON "_orrery_requests" ("namespace", "created_at")',
    ]);
    // The scheduler's jobs are a document table: the DDL of an app's table of the same shape.
    const jobs = createTableSql("_orrery_jobs", scheduledJobsTable, "postgres");
    expect(home.slice(4, 4 + jobs.length)).toEqual(jobs);
    expect(jobs[0]).toContain('"_id" VARCHAR(26) COLLATE "C" NOT NULL');
    expect(jobs).toContain(
      'CREATE INDEX IF NOT EXISTS "_orrery_jobs__by_status" ON "_orrery_jobs" ("status", "runAt", "_id")',
    );
    expect(home.slice(4 + jobs.length)).toEqual([
      `CREATE TABLE IF NOT EXISTS "_orrery_outbox" (
  "namespace" TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "topic" TEXT NOT NULL,
  "payload" TEXT NOT NULL,
  "commit_version" BIGINT NOT NULL,
  "seq" BIGINT NOT NULL,
  "created_at" BIGINT NOT NULL,
  "sent_at" BIGINT,
  PRIMARY KEY ("namespace", "id")
)`,
      'CREATE INDEX IF NOT EXISTS "_orrery_outbox__by_sent_at" ON "_orrery_outbox" ("namespace", "sent_at", "commit_version", "seq")',
    ]);
  });

  it("creates the commit markers, the outbox and the leases beside .global() tables, and every table when no side is named", () => {
    const global = systemTablesDdl("postgres", "global");
    expect(global.slice(0, 1)).toEqual([
      `CREATE TABLE IF NOT EXISTS "_orrery_commit_markers" (
  "namespace" TEXT NOT NULL,
  "commit_id" TEXT NOT NULL,
  "version" BIGINT NOT NULL,
  "state" TEXT NOT NULL,
  "created_at" BIGINT NOT NULL,
  PRIMARY KEY ("namespace", "commit_id")
)`,
    ]);
    expect(global.slice(1)).toEqual([
      expect.stringContaining('CREATE TABLE IF NOT EXISTS "_orrery_global_outbox" ('),
      'CREATE INDEX IF NOT EXISTS "_orrery_global_outbox__by_sent_at" ON "_orrery_global_outbox" ("sent_at", "namespace", "commit_version", "seq")',
      `CREATE TABLE IF NOT EXISTS "_orrery_leases" (
  "name" TEXT NOT NULL,
  "holder" TEXT NOT NULL,
  "expires_at" BIGINT NOT NULL,
  PRIMARY KEY ("name")
)`,
    ]);
    expect(systemTablesDdl("sqlite")).toEqual([
      ...systemTablesDdl("sqlite", "home"),
      ...systemTablesDdl("sqlite", "global"),
    ]);
  });

  it("creates the store's tables on mysql", () => {
    const [commits, meta, requests, jobs, outbox, ...rest] = systemTablesDdl("mysql", "home");
    expect(rest).toEqual([]);
    expect(jobs).toBe(createTableSql("_orrery_jobs", scheduledJobsTable, "mysql")[0]);
    expect(outbox).toContain(
      "INDEX `_orrery_outbox__by_sent_at` (`namespace`, `sent_at`, `commit_version`, `seq`)",
    );
    expect(commits).toContain("`table_name` VARCHAR(255) NOT NULL");
    expect(meta).toBe(`CREATE TABLE IF NOT EXISTS \`_orrery_meta\` (
  \`namespace\` VARCHAR(255) NOT NULL,
  \`key\` VARCHAR(255) NOT NULL,
  \`value\` LONGTEXT NOT NULL,
  PRIMARY KEY (\`namespace\`, \`key\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    expect(requests).toContain("INDEX `_orrery_requests__by_created_at` (`namespace`, `created_at`)");
    expect(requests).toContain("`commit_version` BIGINT,");
  });
});
