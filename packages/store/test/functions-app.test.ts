import { describe, expect, it } from "vitest";
import { defineApp } from "../src/functions/app";
import { parseFunctionName } from "../src/functions/function-name";
import { app } from "./functions-app/app";
import { schema } from "./functions-app/schema";

describe("defineApp: the function registry", () => {
  it("registers module:export names and ignores non-function exports", () => {
    expect(app.functionNames).toContain("tasks:list");
    expect(app.functionNames).toContain("counters:bump");
    expect(app.functionNames).not.toContain("tasks:PAGE_SIZE");
    expect([...app.functionNames]).toEqual([...app.functionNames].sort());
    expect(app.resolve("tasks:list").kind).toBe("query");
    expect(app.resolve("tasks:add", "mutation").kind).toBe("mutation");
  });

  it("names an unknown function and lists the known ones", () => {
    const small = defineApp({
      schema,
      modules: { tasks: { add: app.resolve("tasks:add"), list: app.resolve("tasks:list"), LIMIT: 3 } },
    });
    expect(() => small.resolve("tasks:nope")).toThrow(
      expect.objectContaining({
        code: "NOT_FOUND",
        message: 'unknown function "tasks:nope" (known: tasks:add, tasks:list)',
      }),
    );
    expect(() => small.resolve("tasks:LIMIT")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });

  it("says which kind a function is when the caller expected another", () => {
    expect(() => app.resolve("tasks:add", "query")).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: '"tasks:add" is a mutation, not a query',
      }),
    );
    expect(() => app.resolve("tasks:list", "action")).toThrow('"tasks:list" is a query, not an action');
  });

  it("refuses malformed names with the expected form", () => {
    for (const name of ["tasks.list", "tasks:", ":list", "tasks:list:x", "", "a b:c"]) {
      expect(() => app.resolve(name)).toThrow(
        expect.objectContaining({
          code: "INVALID_ARGUMENT",
          message: expect.stringContaining('"module:export"'),
        }),
      );
    }
    expect(parseFunctionName("admin/users:list")).toEqual({ module: "admin/users", fn: "list" });
    expect(() => parseFunctionName(42)).toThrow('invalid function name 42: expected "module:export"');
  });

  it("refuses a module name that cannot be addressed", () => {
    expect(() => defineApp({ schema, modules: { "bad:name": {} } })).toThrow(/module name "bad:name"/);
  });

  it("identifies the caller of a request through the app's auth", async () => {
    const signedIn = new Request("https://example.test/", { headers: { "x-user": "ada" } });
    expect(await app.identify(signedIn)).toEqual({ subject: "ada", via: "header" });
    expect(await app.identify(new Request("https://example.test/"))).toBeNull();
    expect(await defineApp({ schema, modules: {} }).identify(signedIn)).toBeNull();
  });
});
