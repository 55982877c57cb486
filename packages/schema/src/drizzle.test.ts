import { getTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { sqliteTables } from "./drizzle";
import { schema } from "./sample-schema.fixture";
import { orrerySystemTables } from "./system-tables";

function describeTable(table: Parameters<typeof getTableConfig>[0]) {
  const config = getTableConfig(table);
  return {
    name: config.name,
    columns: config.columns.map(
      (c) => `${c.name} ${c.getSQLType()}${c.notNull ? " NOT NULL" : ""}${c.primary ? " PK" : ""}`,
    ),
    indexes: config.indexes.map(
      (i) => `${i.config.name}(${i.config.columns.map((c) => ("name" in c ? c.name : "?")).join(",")})`,
    ),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name).join(",")),
  };
}

describe("sqliteTables", () => {
  const { tasks, counters } = sqliteTables(schema);

  it("builds the DO table's columns and indexes", () => {
    expect(describeTable(tasks)).toEqual({
      name: "tasks",
      columns: [
        "_id text NOT NULL PK",
        "_creationTime real NOT NULL",
        "_version integer NOT NULL",
        "list text NOT NULL",
        "text text NOT NULL",
        "done integer NOT NULL",
        "priority real NOT NULL",
        "points integer NOT NULL",
        "status text NOT NULL",
        "due real",
        "tags text NOT NULL",
        "meta text NOT NULL",
        "extra text",
        "blob blob",
        "note text",
      ],
      indexes: [
        "tasks__by_creation_time(_creationTime,_id)",
        "tasks__by_list(list,done,_id)",
        "tasks__by_status(status,_creationTime,_id)",
      ],
      primaryKeys: [],
    });
  });

  it("starts a global table's indexes with _namespace", () => {
    const described = describeTable(counters);
    expect(described.columns.slice(0, 4)).toEqual([
      "_id text NOT NULL PK",
      "_creationTime real NOT NULL",
      "_version integer NOT NULL",
      "_namespace text NOT NULL",
    ]);
    expect(described.indexes).toEqual([
      "counters__by_creation_time(_namespace,_creationTime,_id)",
      "counters__by_name(_namespace,name,_id)",
    ]);
  });
});

describe("orrerySystemTables", () => {
  it("defines the commit log, meta and request tables", () => {
    expect(describeTable(orrerySystemTables._orrery_commits)).toEqual({
      name: "_orrery_commits",
      columns: [
        "namespace text NOT NULL",
        "version integer NOT NULL",
        "seq integer NOT NULL",
        "table_name text NOT NULL",
        "doc_id text NOT NULL",
        "op text NOT NULL",
        "committed_at integer NOT NULL",
      ],
      indexes: [],
      primaryKeys: ["namespace,version,seq"],
    });
    expect(describeTable(orrerySystemTables._orrery_meta).primaryKeys).toEqual(["namespace,key"]);
    expect(describeTable(orrerySystemTables._orrery_requests)).toEqual({
      name: "_orrery_requests",
      columns: [
        "namespace text NOT NULL",
        "request_id text NOT NULL",
        "result text NOT NULL",
        "commit_version integer",
        "created_at integer NOT NULL",
      ],
      indexes: ["_orrery_requests__by_created_at(namespace,created_at)"],
      primaryKeys: ["namespace,request_id"],
    });
  });
});
