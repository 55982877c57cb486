import { postgresDialect } from "@orrery/store";
import { describe, expect, it } from "vitest";
import { pgArrayLiteral, upsertRows } from "./upsert-sql";

describe("pgArrayLiteral", () => {
  it("quotes text (backslashes and double quotes escaped), leaves numbers, booleans and NULL bare", () => {
    expect(pgArrayLiteral(['say "hi"', "a\\b", "{,}", null, ""])).toBe(
      '{"say \\"hi\\"","a\\\\b","{,}",NULL,""}',
    );
    expect(pgArrayLiteral([1.5, -0, 1e21, true, false, 12n])).toBe("{1.5,-0,1e+21,t,f,12}");
  });

  it("writes bytes as bytea hex, escaped for the array", () => {
    expect(pgArrayLiteral([Uint8Array.from([0, 255, 16]).subarray(1)])).toBe('{"\\\\xff10"}');
  });
});

describe("upsertRows on Postgres", () => {
  it("sends one array per column, however many rows", () => {
    const statement = upsertRows(
      postgresDialect,
      "posts",
      [{ name: "title", codec: "text" }],
      [
        ["01AAAAAAAAAAAAAAAAAAAAAAAA", 1, 1, "acme", "one"],
        ["01BBBBBBBBBBBBBBBBBBBBBBBB", 2, 1, "acme", null],
      ],
    );
    expect(statement.sql).toBe(
      'INSERT INTO "posts" ("_id", "_creationTime", "_version", "_namespace", "title") SELECT * FROM unnest($1::text[], $2::float8[], $3::int8[], $4::text[], $5::text[]) ON CONFLICT ("_namespace", "_id") DO UPDATE SET "title" = EXCLUDED."title", "_version" = "posts"."_version" + 1 WHERE ROW("posts"."title") IS DISTINCT FROM ROW(EXCLUDED."title")',
    );
    expect(statement.params).toEqual([
      '{"01AAAAAAAAAAAAAAAAAAAAAAAA","01BBBBBBBBBBBBBBBBBBBBBBBB"}',
      "{1,2}",
      "{1,1}",
      '{"acme","acme"}',
      '{"one",NULL}',
    ]);
  });
});
