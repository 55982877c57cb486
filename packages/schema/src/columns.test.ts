import { describe, expect, it } from "vitest";
import { tableColumns } from "./columns";
import { counters, tasks } from "./sample-schema.fixture";

function summary(table: typeof tasks | typeof counters, engine: "sqlite" | "postgres" | "mysql") {
  return tableColumns(table, engine).map(
    (c) => `${c.name} ${c.sqlType}${c.nullable ? " NULL" : ""} [${c.codec}]`,
  );
}

describe("tableColumns", () => {
  it("maps a DO table on sqlite", () => {
    expect(summary(tasks, "sqlite")).toEqual([
      "_id TEXT [id]",
      "_creationTime REAL [float]",
      "_version INTEGER [float]",
      "list TEXT [id]",
      "text TEXT [text]",
      "done INTEGER [boolean]",
      "priority REAL [float]",
      "points INTEGER [int64]",
      "status TEXT [text]",
      "due REAL NULL [float]",
      "tags TEXT [json]",
      "meta TEXT [json]",
      "extra TEXT NULL [json]",
      "blob BLOB NULL [bytes]",
      "note TEXT NULL [json]",
    ]);
  });

  it("maps a DO table on postgres", () => {
    expect(summary(tasks, "postgres")).toEqual([
      '_id VARCHAR(26) COLLATE "C" [id]',
      "_creationTime DOUBLE PRECISION [float]",
      "_version BIGINT [float]",
      'list VARCHAR(26) COLLATE "C" [id]',
      'text TEXT COLLATE "C" [text]',
      "done BOOLEAN [boolean]",
      "priority DOUBLE PRECISION [float]",
      "points BIGINT [int64]",
      'status TEXT COLLATE "C" [text]',
      "due DOUBLE PRECISION NULL [float]",
      "tags JSONB [json]",
      "meta JSONB [json]",
      "extra JSONB NULL [json]",
      "blob BYTEA NULL [bytes]",
      "note JSONB NULL [json]",
    ]);
  });

  it("maps a DO table on mysql, capping only indexed strings", () => {
    expect(summary(tasks, "mysql")).toEqual([
      "_id VARCHAR(26) [id]",
      "_creationTime DOUBLE [float]",
      "_version BIGINT [float]",
      "list VARCHAR(26) [id]",
      "text LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin [text]",
      "done TINYINT(1) [boolean]",
      "priority DOUBLE [float]",
      "points BIGINT [int64]",
      "status VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin [text]",
      "due DOUBLE NULL [float]",
      "tags JSON [json]",
      "meta JSON [json]",
      "extra JSON NULL [json]",
      "blob LONGBLOB NULL [bytes]",
      "note JSON NULL [json]",
    ]);
  });

  it("adds _namespace after the system columns of a global table", () => {
    expect(summary(counters, "sqlite")).toEqual([
      "_id TEXT [id]",
      "_creationTime REAL [float]",
      "_version INTEGER [float]",
      "_namespace TEXT [text]",
      "name TEXT [text]",
      "value INTEGER [int64]",
      "label TEXT NULL [text]",
    ]);
    expect(summary(counters, "postgres")[3]).toBe('_namespace VARCHAR(255) COLLATE "C" [text]');
    expect(summary(counters, "mysql")[3]).toBe(
      "_namespace VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin [text]",
    );
  });
});
