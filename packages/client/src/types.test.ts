import { functionReference } from "@orrery/protocol";
import { describe, expectTypeOf, it } from "vitest";
import type { OrreryClient } from "./orrery-client";
import type { QueryResult } from "./query-result";
import type { useMutation, useQuery } from "./react";

interface Task {
  text: string;
}
const list = functionReference<"query", { list: string }, Task[]>("tasks:list");
const add = functionReference<"mutation", { text: string }, string>("tasks:add");

// Type-level checks: compiled by `tsc`, never called.
describe("types", () => {
  it("carries argument and result types from references", () => {
    expectTypeOf<OrreryClient["query"]>().toBeFunction();
    expectTypeOf<ReturnType<typeof useQuery<typeof list>>>().toEqualTypeOf<Task[] | undefined>();
    type Add = ReturnType<typeof useMutation<typeof add>>;
    expectTypeOf<Add>().parameters.toEqualTypeOf<[{ text: string }]>();
    expectTypeOf<Add>().returns.toEqualTypeOf<Promise<string>>();
    const read = (client: OrreryClient) => client.queryResult(list, { list: "a" });
    expectTypeOf(read).returns.toEqualTypeOf<QueryResult<Task[]> | undefined>();
    const calls = (client: OrreryClient) => [
      // @ts-expect-error: a wrong argument is a compile error.
      client.query(list, { list: 1 }),
      // @ts-expect-error: a mutation is not a query.
      client.query(add, { text: "x" }),
      // @ts-expect-error: nor is a query a mutation.
      client.mutation(list, { list: "a" }),
    ];
    expectTypeOf(calls).toBeFunction();
  });
});
