import { createApi, OrreryError } from "@orrery/protocol";
import { describe, expect, it } from "vitest";
import type { SqlClient } from "../src/functions/sql-client";
import type { Api } from "./functions-app/api";
import { withRunner } from "./functions-fixture";

const api = createApi<Api>();

/** A stand-in for a Hyperdrive client: answers from fixed rows and records what it was asked. */
function fakeSql(rows: readonly Record<string, unknown>[]) {
  const calls: { text: string; params: readonly unknown[] | undefined }[] = [];
  const client: SqlClient = {
    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      calls.push({ text, params });
      return rows.map((row) => ({ ...row }) as T);
    },
  };
  return { client, calls };
}

describe("FunctionRunner on Durable Object SQLite", () => {
  it("runs queries and mutations by reference and by name, and reports commits", () =>
    withRunner(async ({ runner, commits }) => {
      const added = await runner.runMutation(api.tasks.add, { list: "home", text: "milk" });
      expect(added.writes).toHaveLength(1);
      expect(added.commitVersion).toBe(1);
      expect(commits).toEqual([added]);

      const listed = await runner.runQuery(api.tasks.list, { list: "home" });
      expect(listed.value.map((task) => task.text)).toEqual(["milk"]);
      expect(listed.value[0]?._id).toBe(added.value);
      expect(listed.version).toBe(1);
      expect(listed.readSet).toEqual([expect.objectContaining({ table: "tasks", index: "by_list" })]);

      expect((await runner.runQuery("tasks:count", undefined)).value).toBe(1);
      expect((await runner.runQuery("tasks:count", {})).value).toBe(1);
    }));

  it("a mutation that wrote nothing commits no version", () =>
    withRunner(async ({ runner, commits }) => {
      const { value: id } = await runner.runMutation(api.tasks.add, { list: "a", text: "b" });
      const done = await runner.runMutation(api.tasks.markDone, { id });
      expect(done.value).toBe(true);
      expect(commits).toHaveLength(2);
      const again = await runner.runMutation(api.tasks.markDone, { id });
      expect(again).toMatchObject({ value: false, writes: [], commitVersion: 2 });
      expect(commits).toHaveLength(2);
    }));

  it("validates args before the handler runs, naming the path", () =>
    withRunner(async ({ runner, store, commits }) => {
      await expect(runner.runQuery("tasks:list", { list: 1 })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "args.list: expected string, got number",
      });
      await expect(runner.runMutation("tasks:add", { list: "a" })).rejects.toThrow(
        "args.text: required field is missing",
      );
      await expect(runner.runMutation("tasks:add", { list: "a", text: "b", extra: true })).rejects.toThrow(
        "args.extra: unexpected field",
      );
      await expect(runner.runQuery("tasks:count", "not an object")).rejects.toThrow(
        "args: expected object, got string",
      );
      await expect(runner.runAction("counters:bump", { name: 7 })).rejects.toThrow(
        "args.name: expected string, got number",
      );
      expect(commits).toEqual([]);
      expect(store.version).toBe(0);
    }));

  it("reports unknown functions and kind mismatches from every entry point", () =>
    withRunner(async ({ runner }) => {
      await expect(runner.runQuery("tasks:nope", {})).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: expect.stringMatching(/^unknown function "tasks:nope" \(known: counters:bump, .*tasks:list/),
      });
      await expect(runner.runQuery("tasks:add", {})).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: '"tasks:add" is a mutation, not a query',
      });
      await expect(runner.runMutation("tasks:list", { list: "a" })).rejects.toThrow(
        '"tasks:list" is a query, not a mutation',
      );
      await expect(runner.runAction("tasks:count", {})).rejects.toThrow(
        '"tasks:count" is a query, not an action',
      );
      await expect(runner.runQuery("tasks.list", {})).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }));

  it("forbids ctx.sql in queries and mutations at run time, and hides it from enumeration", () =>
    withRunner(
      async ({ runner, store, commits }) => {
        const forbidden = {
          code: "FORBIDDEN",
          message: expect.stringMatching(/only available in actions.*deterministic.*ctx\.runMutation/s),
        };
        await expect(runner.runQuery("tasks:sqlFromQuery", {})).rejects.toMatchObject(forbidden);
        await expect(runner.runMutation("tasks:sqlFromMutation", {})).rejects.toMatchObject(forbidden);
        expect((await runner.runQuery("tasks:ctxKeys", {})).value).toEqual(["auth", "db"]);
        expect(commits).toEqual([]);
        expect(store.version).toBe(0);
      },
      // A client is configured, and still queries and mutations may not reach it.
      { sql: () => fakeSql([]).client },
    ));

  it("gives actions the configured ctx.sql, built lazily, and projects rows through runMutation", async () => {
    const { client, calls } = fakeSql([{ text: "from postgres" }, { text: "also from postgres" }]);
    let built = 0;
    const sql = () => {
      built += 1;
      return client;
    };
    await withRunner(
      async ({ runner, commits }) => {
        expect(await runner.runAction("tasks:noSql", {})).toBe("hello from env");
        expect(built).toBe(0);

        const result = await runner.runAction(api.tasks.importFromSql, { list: "legacy" });
        expect(result).toEqual({ imported: 2, greeting: "hello from env" });
        expect(built).toBe(1);
        expect(calls).toEqual([
          { text: "select text from legacy_tasks where list = $1", params: ["legacy"] },
        ]);
        expect(commits).toHaveLength(2);
        expect(commits.map((commit) => commit.commitVersion)).toEqual([1, 2]);

        const listed = await runner.runQuery(api.tasks.list, { list: "legacy" });
        expect(listed.value.map((task) => task.text)).toEqual(["from postgres", "also from postgres"]);
      },
      { sql },
    );
  });

  it("explains a missing Hyperdrive binding, and lets an action bring its own client", () =>
    withRunner(async ({ runner }) => {
      await expect(runner.runAction("tasks:readSql", {})).rejects.toMatchObject({
        code: "INTERNAL",
        message: expect.stringContaining("no Hyperdrive binding configured"),
      });
      expect(await runner.runAction("tasks:bringOwnSql", {})).toEqual([{ answer: 42 }]);
    }));

  it("runs an action's runQuery / runMutation / runAction through the runner, with validation, and its commits reach the store's listener", () =>
    withRunner(async ({ runner, commits }) => {
      expect(await runner.runAction(api.counters.bump, { name: "clicks" })).toEqual({
        before: 0,
        after: 1,
        seen: 1,
      });
      expect(commits).toHaveLength(1);
      expect(commits[0]?.writes).toEqual([
        expect.objectContaining({ table: "counters", operation: "insert" }),
      ]);

      expect(await runner.runAction(api.counters.bumpTwice, {})).toEqual({ before: 1, after: 2, seen: 2 });
      expect(commits).toHaveLength(3);

      await expect(runner.runAction("tasks:addWithBadArgs", {})).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "args.list: expected string, got number",
      });
      expect(commits).toHaveLength(3);
    }));

  it("shows the caller's identity in ctx.auth, through actions too", () =>
    withRunner(
      async ({ runner }) => {
        expect((await runner.runQuery("tasks:whoAmI", {})).value).toBeNull();
        const ada = { subject: "ada", email: "ada@example.test" };
        expect((await runner.runQuery(api.tasks.whoAmI, {}, ada)).value).toEqual(ada);

        await runner.runMutation(api.tasks.add, { list: "mine", text: "direct" }, ada);
        await runner.runAction(api.tasks.importFromSql, { list: "mine" }, { subject: "grace" });
        await runner.runMutation(api.tasks.add, { list: "mine", text: "anonymous" });
        const listed = await runner.runQuery(api.tasks.list, { list: "mine" });
        expect(listed.value.map((task) => [task.text, task.owner])).toEqual([
          ["direct", "ada"],
          ["via action", "grace"],
          ["anonymous", undefined],
        ]);
      },
      { sql: () => fakeSql([{ text: "via action" }]).client },
    ));

  it("commits nothing when a mutation throws after writing", () =>
    withRunner(async ({ runner, store, commits }) => {
      await expect(runner.runMutation("tasks:addThenFail", { list: "x" })).rejects.toThrow(
        "refusing after the insert",
      );
      expect(commits).toEqual([]);
      expect(store.version).toBe(0);
      expect((await runner.runQuery(api.tasks.count, {})).value).toBe(0);
      expect(await store.commitsSince(0)).toEqual([]);
    }));

  it("asks the write gate before every mutation and action, never before a query, and a refusal writes nothing", () => {
    const gate = { open: true, asked: 0 };
    return withRunner(
      async ({ runner, store, commits }) => {
        await runner.runMutation(api.tasks.add, { list: "a", text: "before" });
        expect(gate.asked).toBe(1);

        gate.open = false;
        const refused = { code: "MAINTENANCE", message: "writes are paused" };
        await expect(runner.runMutation(api.tasks.add, { list: "a", text: "during" })).rejects.toMatchObject(
          refused,
        );
        await expect(runner.runAction(api.counters.bump, { name: "clicks" })).rejects.toMatchObject(refused);
        // Arguments are checked first: a call that could never run hears that, not "later".
        await expect(runner.runMutation("tasks:add", { list: 1 })).rejects.toMatchObject({
          code: "INVALID_ARGUMENT",
        });
        expect((await runner.runQuery(api.tasks.list, { list: "a" })).value.map((t) => t.text)).toEqual([
          "before",
        ]);
        expect(commits).toHaveLength(1);
        expect(store.version).toBe(1);

        // An action admitted before the gate closed is refused at its first write.
        gate.open = true;
        const asked = gate.asked;
        const bumped = runner.runAction(api.counters.bump, { name: "late" });
        gate.open = false;
        await expect(bumped).rejects.toMatchObject(refused);
        expect(gate.asked).toBe(asked + 2);
        expect(commits).toHaveLength(1);
      },
      {
        writeGate: () => {
          gate.asked++;
          if (!gate.open) throw new OrreryError("MAINTENANCE", "writes are paused");
        },
      },
    );
  });
});
