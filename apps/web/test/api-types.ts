/**
 * Type-level tests of the page's `api`, checked by `pnpm typecheck` (`tsc -p test`), never
 * run: types flow from the worker's functions to the page, so mistakes do not compile.
 */
import type { OrreryClient } from "@orrery/client";
import type { useMutation, useQuery } from "@orrery/client/react";
import type { FunctionArgs, FunctionReturn } from "@orrery/protocol";
import { api } from "../src/api";

type Task = FunctionReturn<typeof api.tasks.list>[number];

export const checks = (client: OrreryClient, task: Task) => [
  // @ts-expect-error: the worker has no function "tasks:nope".
  api.tasks.nope,
  // @ts-expect-error: nor a module "nope".
  api.nope.list,
  // @ts-expect-error: `list` is a string.
  client.query(api.tasks.list, { list: 1 }),
  // @ts-expect-error: `text` is missing.
  client.mutation(api.tasks.add, { list: "inbox" }),
  // @ts-expect-error: tasks:add is a mutation, not a query.
  client.query(api.tasks.add, { list: "inbox", text: "x" }),
  // @ts-expect-error: tasks have no `title`.
  task.title,
  // @ts-expect-error: a task id is not an order id.
  client.mutation(api.orders.upsert, { id: task._id, customer: "c", total: 1, status: "new" }),
];

// What does compile has the worker's types: fields, int64 as bigint, the action's result.
export const fields = (task: Task): [string, boolean, number] => [task.text, task.done, task._creationTime];
export type CounterIsBigint = Expect<Equal<FunctionReturn<typeof api.counters.get>, bigint>>;
export type ImportReturnsCount = Expect<Equal<FunctionReturn<typeof api.orders.importLegacy>, number>>;
export type ToggleArgs = Expect<Equal<FunctionArgs<typeof api.tasks.toggle>["id"], Task["_id"]>>;
export type HookResult = Expect<
  Equal<ReturnType<typeof useQuery<typeof api.tasks.list>>, Task[] | undefined>
>;
export type HookArgs = Expect<
  Equal<Parameters<ReturnType<typeof useMutation<typeof api.tasks.add>>>, [{ list: string; text: string }]>
>;

type Expect<T extends true> = T;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
