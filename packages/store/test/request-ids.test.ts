import { createApi } from "@orrery/protocol";
import { describe, expect, it } from "vitest";
import { requestScope } from "../src/commit/request-log";
import type { Api } from "./functions-app/api";
import { flakyRuns } from "./functions-app/counters";
import { withRunner } from "./functions-fixture";

const api = createApi<Api>();

/** A name no other test uses, so each test counts its own runs of `counters:flaky`. */
const fresh = () => `flaky-${crypto.randomUUID()}`;
const runsOf = (name: string) => flakyRuns.get(name) ?? 0;

const scope = requestScope(null, "client-a", "unused");

describe("request ids: a handler's verdict is final, a transient failure is not", () => {
  for (const code of ["INVALID_ARGUMENT", "INVALID_REFERENCE", "NOT_FOUND", "FORBIDDEN"]) {
    it(`a retry after the handler's own ${code} repeats the failure without running the handler again`, () =>
      withRunner(async ({ runner }) => {
        const name = fresh();
        // The handler would succeed on its second run: only the recorded verdict can keep it failing.
        const call = () =>
          runner.runMutation(api.counters.flaky, { name, fail: code, failures: 1 }, null, {
            requestId: "r-1",
            scope,
          });
        const failure = { code, message: `flaky ${name}: run 1 failed` };
        await expect(call()).rejects.toMatchObject(failure);
        await expect(call()).rejects.toMatchObject(failure);
        expect(runsOf(name)).toBe(1);
      }));
  }

  for (const fail of ["plain", "UNAVAILABLE", "CONFLICT", "INTERNAL"]) {
    it(`a retry after a transient failure (${fail}) runs the handler again, and its success is then final`, () =>
      withRunner(async ({ runner, store }) => {
        const name = fresh();
        const call = () =>
          runner.runMutation(api.counters.flaky, { name, fail, failures: 1 }, null, {
            requestId: "r-1",
            scope,
          });
        await expect(call()).rejects.toThrow(`flaky ${name}: run 1 failed`);
        const retried = await call();
        expect(retried).toMatchObject({ value: 1, replayed: false });
        expect(runsOf(name)).toBe(2);
        // The success was recorded: a third try is answered from the log.
        expect(await call()).toMatchObject({
          value: 1,
          commitVersion: retried.commitVersion,
          replayed: true,
        });
        expect(runsOf(name)).toBe(2);
        expect(store.version).toBe(retried.commitVersion);
      }));
  }

  it("a request id is private to its scope: the same id from another client or user runs again", () =>
    withRunner(async ({ runner }) => {
      const name = fresh();
      const args = { name, fail: "plain", failures: 0 };
      const as = (scopeOf: string) =>
        runner.runMutation(api.counters.flaky, args, null, { requestId: "r-1", scope: scopeOf });
      const a = await as(requestScope(null, "client-a", "connection:1"));
      const b = await as(requestScope(null, "client-b", "connection:2"));
      const user = await as(requestScope({ subject: "client-a" }, undefined, "connection:3"));
      const again = await as(requestScope(null, "client-a", "connection:4"));
      expect([a.value, b.value, user.value, again.value]).toEqual([1, 2, 3, 1]);
      expect(again.replayed).toBe(true);
      expect(runsOf(name)).toBe(3);
    }));

  it("requestScope: a signed-in user's subject, else the client id, else the fallback, never confused", () => {
    expect(requestScope({ subject: "u1" }, "c1", "connection:x")).toBe("user:u1");
    expect(requestScope(null, "c1", "connection:x")).toBe("client:c1");
    expect(requestScope(null, undefined, "connection:x")).toBe("connection:x");
    // A client cannot name itself into a user's scope.
    expect(requestScope(null, "user:u1", "connection:x")).not.toBe(
      requestScope({ subject: "u1" }, undefined, ""),
    );
  });

  it("a request id reused for another mutation or other arguments is refused, never answered with the first result", () =>
    withRunner(async ({ runner }) => {
      const options = { requestId: "r-reused", scope };
      const first = await runner.runMutation(api.tasks.add, { list: "a", text: "first" }, null, options);
      // The same call again (keys in another order) is the same request: answered, not re-run.
      const again = await runner.runMutation(api.tasks.add, { text: "first", list: "a" }, null, options);
      expect(again).toMatchObject({ value: first.value, replayed: true });
      await expect(
        runner.runMutation(api.tasks.add, { list: "a", text: "second" }, null, options),
      ).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringMatching(/already used for another call \(tasks:add/),
      });
      await expect(
        runner.runMutation(api.counters.increment, { name: "c" }, null, options),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }));
});
