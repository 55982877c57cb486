import { createApi, type FunctionArgs, type FunctionReference, type FunctionReturn } from "@orrery/protocol";
import { type DocOf, type Id, v } from "@orrery/schema";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { EmptyArgs } from "../src/functions/builders";
import type { ActionCtx, MutationCtx, QueryCtx } from "../src/functions/contexts";
import type { FunctionRunner } from "../src/functions/runner";
import type { SqlClient } from "../src/functions/sql-client";
import type { QueryOutcome } from "../src/store";
import type { Api } from "./functions-app/api";
import type { Env, Schema } from "./functions-app/schema";
import { action, mutation, query } from "./functions-app/server";
import type * as tasks from "./functions-app/tasks";

const api = createApi<Api>();

type Task = DocOf<Schema, "tasks">;

describe("function builders: types", () => {
  it("infer args from .input and the result from the handler", () => {
    expectTypeOf<FunctionArgs<typeof api.tasks.list>>().toEqualTypeOf<{ list: string }>();
    expectTypeOf<FunctionReturn<typeof api.tasks.list>>().toEqualTypeOf<Task[]>();
    // `.input(v.object(...))` reads the same as a record of fields.
    expectTypeOf<FunctionArgs<typeof api.tasks.add>>().toEqualTypeOf<{ list: string; text: string }>();
    expectTypeOf<FunctionReturn<typeof api.tasks.add>>().toEqualTypeOf<Id<"tasks">>();
    // Optional validators become optional keys.
    expectTypeOf<FunctionArgs<typeof api.counters.increment>>().toEqualTypeOf<{
      name: string;
      by?: number;
    }>();
    // No `.input` → no arguments.
    expectTypeOf<FunctionArgs<typeof api.tasks.count>>().toEqualTypeOf<EmptyArgs>();
    expectTypeOf<FunctionReturn<typeof api.tasks.count>>().toEqualTypeOf<number>();
    expectTypeOf(api.tasks.list).toEqualTypeOf<FunctionReference<"query", { list: string }, Task[]>>();
    expectTypeOf(api.counters.bump).toExtend<FunctionReference<"action">>();
  });

  it("give each kind its own ctx, and sql only to actions", () => {
    query.input({ list: v.string() }).query(async ({ ctx, args }) => {
      expectTypeOf(ctx).toEqualTypeOf<QueryCtx<Schema>>();
      expectTypeOf(args).toEqualTypeOf<{ list: string }>();
      // @ts-expect-error queries must be deterministic: there is no ctx.sql
      return ctx.sql;
    });
    mutation.mutation(async ({ ctx }) => {
      expectTypeOf(ctx).toEqualTypeOf<MutationCtx<Schema>>();
      // @ts-expect-error mutations are re-run on conflict: there is no ctx.sql
      return ctx.sql;
    });
    query.query(async ({ ctx }) => {
      // @ts-expect-error a query's db is read-only
      await ctx.db.insert("tasks", { list: "a", text: "b", done: false });
    });
    action.action(async ({ ctx, args }) => {
      expectTypeOf(ctx).toEqualTypeOf<ActionCtx<Schema, Env>>();
      expectTypeOf(ctx.sql).toEqualTypeOf<SqlClient>();
      expectTypeOf(ctx.env).toEqualTypeOf<Env>();
      expectTypeOf(args).toEqualTypeOf<EmptyArgs>();
    });
  });

  it("check the table and fields a handler writes", () => {
    mutation.mutation(async ({ ctx }) => {
      // @ts-expect-error `done` must be a boolean
      await ctx.db.insert("tasks", { list: "a", text: "b", done: "no" });
      // @ts-expect-error there is no such table
      await ctx.db.insert("nosuch", {});
    });
  });

  it("type ctx.runQuery / runMutation / runAction by reference", () => {
    action.action(async ({ ctx }) => {
      expectTypeOf(await ctx.runQuery(api.tasks.list, { list: "a" })).toEqualTypeOf<Task[]>();
      expectTypeOf(await ctx.runQuery(api.tasks.count)).toEqualTypeOf<number>();
      expectTypeOf(await ctx.runMutation(api.counters.increment, { name: "n" })).toEqualTypeOf<number>();
      expectTypeOf(await ctx.runQuery("tasks:list", { list: "a" })).toEqualTypeOf<unknown>();
      // @ts-expect-error `list` must be a string
      await ctx.runQuery(api.tasks.list, { list: 1 });
      // @ts-expect-error `list` is required
      await ctx.runQuery(api.tasks.list);
      // @ts-expect-error a mutation is not a query
      await ctx.runQuery(api.tasks.add, { list: "a", text: "b" });
      // @ts-expect-error a query is not an action
      await ctx.runAction(api.tasks.count);
    });
  });

  it("reject wrong names and arguments on the api and the runner", () => {
    // @ts-expect-error there is no tasks.nope
    expect(api.tasks.nope.name).toBe("tasks:nope");
    // @ts-expect-error PAGE_SIZE is a constant, not a function
    expect(api.tasks.PAGE_SIZE.name).toBe("tasks:PAGE_SIZE");
    const typed = (runner: FunctionRunner<Schema, Env>) => {
      expectTypeOf(runner.runQuery(api.tasks.list, { list: "a" })).toEqualTypeOf<
        Promise<QueryOutcome<Task[]>>
      >();
      // @ts-expect-error `list` must be a string
      void runner.runQuery(api.tasks.list, { list: 1 });
    };
    expect(typeof typed).toBe("function");
  });

  it("refuse args that are not an object, at the type level and at run time", () => {
    // @ts-expect-error args are an object of fields
    expect(() => query.input(v.string())).toThrow(/args must be an object validator/);
    // @ts-expect-error args cannot be optional
    expect(() => query.input(v.optional(v.object({})))).toThrow(/args cannot be v.optional/);
  });

  it("keep a module's non-function exports out of the api type", () => {
    expectTypeOf<keyof Api["tasks"]>().toEqualTypeOf<Exclude<keyof typeof tasks, "PAGE_SIZE">>();
  });
});
