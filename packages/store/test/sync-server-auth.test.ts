import { OrreryError, type ServerMessage } from "@orrery/protocol";
import { describe, expect, it } from "vitest";
import { authFor, requireUser, type VerifiedIdentity } from "../src/functions/auth";
import { SyncServer } from "../src/sync/sync-server";
import { type RunnerFixture, withRunner } from "./functions-fixture";

const frame = (message: unknown) => JSON.stringify(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A sync server over the test app whose tokens are "user:<name>:<expiresAt>" (expiresAt in ms,
 * or "never"), "down" (the keys cannot be fetched) or anything else (refused). Verifying takes
 * `delayMs`, as fetching keys would. Counts the runs of each query per identity.
 */
function authSync({ runner, store }: RunnerFixture, options: { delayMs?: number; verify?: boolean } = {}) {
  const sent = new Map<string, ServerMessage[]>();
  const runs: string[] = [];
  const verifyToken = async (token: string): Promise<VerifiedIdentity> => {
    await sleep(options.delayMs ?? 0);
    const [kind, subject, expires] = token.split(":");
    if (kind === "down") throw new OrreryError("UNAVAILABLE", "the issuer's keys cannot be fetched");
    if (kind !== "user" || !subject)
      throw new OrreryError("UNAUTHENTICATED", "the token's signature is invalid");
    return { identity: { subject, role: "member" }, expiresAt: expires === "never" ? null : Number(expires) };
  };
  const sync = new SyncServer(
    {
      checkQuery: (name, args) => runner.checkArgs(name, "query", args),
      observeQuery: (name, args, identity) => {
        runs.push(`${name} ${identity?.subject ?? "anonymous"}`);
        return runner.observeQuery(name, args, identity);
      },
      runMutation: (name, args, identity, mutateOptions) =>
        runner.runMutation(name, args, identity, mutateOptions),
      exclusive: (work) => store.exclusive(work),
      version: () => store.version,
      ...(options.verify === false ? {} : { verifyToken }),
    },
    {
      send: (id, text) => sent.set(id, [...(sent.get(id) ?? []), JSON.parse(text) as ServerMessage]),
      saveState: () => {},
      saveProgress: () => {},
    },
  );
  store.onCommitted((outcome) => sync.committed(outcome));
  const take = (id: string) => {
    const messages = sent.get(id) ?? [];
    sent.set(id, []);
    return messages;
  };
  return { sync, runs, take };
}

describe("requireUser", () => {
  it("returns the caller's identity, and refuses an anonymous call with UNAUTHENTICATED", async () => {
    await expect(requireUser({ auth: authFor({ subject: "ada" }) })).resolves.toEqual({ subject: "ada" });
    await expect(requireUser({ auth: authFor(null) })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringContaining("needs a signed-in user"),
    });
  });
});

describe("SyncServer authentication", () => {
  it("authenticate re-runs the connection's queries under the new identity, then says who it is; later frames wait for it", () =>
    withRunner(async (fixture) => {
      const { sync, take } = authSync(fixture, { delayMs: 30 });
      sync.connect("a", null);
      await sync.receive("a", frame({ type: "subscribe", id: "who", query: "tasks:whoAmI", args: {} }));
      expect(take("a")).toMatchObject([{ type: "transition", updates: [{ id: "who", value: null }] }]);

      // Sent together: the mutate must run as alice, though verifying takes a while.
      const authenticated = sync.receive("a", frame({ type: "authenticate", token: "user:alice:never" }));
      const mutated = sync.receive(
        "a",
        frame({ type: "mutate", requestId: "m1", mutation: "tasks:add", args: { list: "l", text: "t" } }),
      );
      await Promise.all([authenticated, mutated]);
      const [transition, auth, result] = take("a");
      expect(transition).toMatchObject({
        type: "transition",
        updates: [{ id: "who", value: { subject: "alice", role: "member" } }],
      });
      expect(auth).toEqual({ type: "auth", subject: "alice" });
      expect(result).toMatchObject({ type: "mutationResult", requestId: "m1", ok: true });
      const rows = await fixture.runner.runQuery("tasks:list", { list: "l" });
      expect(rows.value).toMatchObject([{ text: "t", owner: "alice" }]);

      // Signing out: anonymous again, the query re-run.
      await sync.receive("a", frame({ type: "authenticate", token: null }));
      expect(take("a")).toMatchObject([
        { type: "transition", updates: [{ id: "who", value: null }] },
        { type: "auth", subject: null },
      ]);
    }));

  it("a refused token ends the identity and says why; a verifier that cannot check keeps it", () =>
    withRunner(async (fixture) => {
      const { sync, take } = authSync(fixture);
      sync.connect("a", null, { subject: "alice", role: "member" }, null);
      await sync.receive("a", frame({ type: "subscribe", id: "who", query: "tasks:whoAmI", args: {} }));
      take("a");

      await sync.receive("a", frame({ type: "authenticate", token: "down" }));
      expect(take("a")).toEqual([
        {
          type: "auth",
          subject: "alice",
          error: { code: "UNAVAILABLE", message: "the issuer's keys cannot be fetched" },
        },
      ]);

      await sync.receive("a", frame({ type: "authenticate", token: "forged" }));
      expect(take("a")).toEqual([
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 0,
          updates: [expect.objectContaining({ value: null })],
        },
        {
          type: "auth",
          subject: null,
          error: { code: "UNAUTHENTICATED", message: "the token's signature is invalid" },
        },
      ]);
    }));

  it("a fresh token of the same user re-runs nothing and moves the expiry", () =>
    withRunner(async (fixture) => {
      const { sync, runs, take } = authSync(fixture);
      const soon = Date.now() + 150;
      sync.connect("a", null, { subject: "alice", role: "member" }, soon);
      await sync.receive("a", frame({ type: "subscribe", id: "who", query: "tasks:whoAmI", args: {} }));
      take("a");
      runs.length = 0;
      await sync.receive("a", frame({ type: "authenticate", token: `user:alice:${Date.now() + 60_000}` }));
      expect(take("a")).toEqual([{ type: "auth", subject: "alice" }]);
      expect(runs).toEqual([]);
      await sleep(200);
      // Past the first token's expiry, the connection is still alice.
      await sync.receive("a", frame({ type: "ping" }));
      expect(take("a")).toEqual([{ type: "pong" }]);
    }));

  it("an expired token ends the identity before the next frame or commit: queries re-run as anonymous, and it is told", () =>
    withRunner(async (fixture) => {
      const { sync, take } = authSync(fixture);
      sync.connect("a", null, { subject: "alice", role: "member" }, Date.now() + 100);
      sync.connect("b", null);
      await sync.receive("a", frame({ type: "subscribe", id: "who", query: "tasks:whoAmI", args: {} }));
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "l", query: "tasks:list", args: { list: "l" } }),
      );
      expect(take("a")).toMatchObject([
        { updates: [{ id: "who", value: { subject: "alice" } }] },
        { updates: [{ id: "l", value: [] }] },
      ]);
      await sleep(150);

      // Another connection's commit: before its transition, a's identity ends.
      await sync.receive(
        "b",
        frame({ type: "mutate", requestId: "m", mutation: "tasks:add", args: { list: "l", text: "x" } }),
      );
      const [reidentified, auth, transition] = take("a");
      expect(reidentified).toMatchObject({ type: "transition", updates: [{ id: "who", value: null }] });
      expect(auth).toMatchObject({
        type: "auth",
        subject: null,
        error: { code: "UNAUTHENTICATED", message: expect.stringContaining("the token expired at") },
      });
      expect(transition).toMatchObject({
        type: "transition",
        updates: [{ id: "l", value: [{ text: "x" }] }],
      });

      // Its own frames now run anonymously.
      await sync.receive(
        "a",
        frame({ type: "mutate", requestId: "m2", mutation: "tasks:add", args: { list: "mine", text: "y" } }),
      );
      const rows = await fixture.runner.runQuery("tasks:list", { list: "mine" });
      expect(rows.value).toMatchObject([{ text: "y" }]);
      expect(rows.value).not.toMatchObject([{ owner: expect.anything() }]);
    }));

  it("a connection's own frame after its token expired runs anonymously, told so first", () =>
    withRunner(async (fixture) => {
      const { sync, take } = authSync(fixture);
      sync.connect("a", null, { subject: "alice", role: "member" }, Date.now() + 50);
      await sleep(80);
      await sync.receive("a", frame({ type: "subscribe", id: "who", query: "tasks:whoAmI", args: {} }));
      expect(take("a")).toMatchObject([
        { type: "auth", subject: null, error: { code: "UNAUTHENTICATED" } },
        { type: "transition", updates: [{ id: "who", value: null }] },
      ]);
    }));

  it("two connections of one user, with different tokens, share one re-run per commit", () =>
    withRunner(async (fixture) => {
      const { sync, runs, take } = authSync(fixture);
      sync.connect("a", null);
      sync.connect("b", null);
      await sync.receive("a", frame({ type: "authenticate", token: `user:alice:${Date.now() + 60_000}` }));
      await sync.receive("b", frame({ type: "authenticate", token: `user:alice:${Date.now() + 90_000}` }));
      for (const id of ["a", "b"])
        await sync.receive(
          id,
          frame({ type: "subscribe", id: "l", query: "tasks:list", args: { list: "s" } }),
        );
      take("a");
      take("b");
      runs.length = 0;
      await fixture.runner.runMutation("tasks:add", { list: "s", text: "shared" });
      expect(runs).toEqual(["tasks:list alice"]);
      expect(take("a")).toMatchObject([{ updates: [{ id: "l", value: [{ text: "shared" }] }] }]);
      expect(take("b")).toMatchObject([{ updates: [{ id: "l", value: [{ text: "shared" }] }] }]);
    }));

  it("without a verifier, a token is refused and null still signs out", () =>
    withRunner(async (fixture) => {
      const { sync, take } = authSync(fixture, { verify: false });
      sync.connect("a", null, { subject: "alice" }, null);
      await sync.receive("a", frame({ type: "authenticate", token: "user:alice:never" }));
      expect(take("a")).toEqual([
        {
          type: "auth",
          subject: null,
          error: { code: "UNAUTHENTICATED", message: "this server takes no tokens: its app verifies none" },
        },
      ]);
      await sync.receive("a", frame({ type: "authenticate", token: null }));
      expect(take("a")).toEqual([{ type: "auth", subject: null }]);
    }));
});
