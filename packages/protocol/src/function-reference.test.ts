import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ApiFromModules,
  createApi,
  type FunctionReturn,
  type FunctionShape,
  functionName,
  functionReference,
} from "./function-reference";

type Modules = {
  tasks: { list: FunctionShape<"query", { list: string }, Promise<string[]>>; helper: number };
  "admin/users": { remove: FunctionShape<"mutation", { id: string }, null> };
};

describe("function references", () => {
  it("names api.module.fn as module:fn, with the function's types", () => {
    const api = createApi<ApiFromModules<Modules>>();
    expect(api.tasks.list.name).toBe("tasks:list");
    expect(functionName(api["admin/users"].remove)).toBe("admin/users:remove");
    expect(functionName("tasks:add")).toBe("tasks:add");
    expect(functionReference("a:b")).toEqual({ name: "a:b" });
    expectTypeOf<FunctionReturn<typeof api.tasks.list>>().toEqualTypeOf<string[]>();
    // @ts-expect-error: constants next to functions are not functions.
    api.tasks.helper;
  });
});
