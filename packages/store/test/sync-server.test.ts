import type { ServerMessage } from "@orrery/protocol";
import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../src/sync/connection-state";
import { SyncServer } from "../src/sync/sync-server";
import { listThenFailRuns, outage } from "./functions-app/run-counts";
import { type RunnerFixture, withRunner } from "./functions-fixture";

/** An in-memory transport: what each connection was sent, and its last saved state. */
function memoryTransport() {
  const sent = new Map<string, ServerMessage[]>();
  const saved = new Map<string, ConnectionState>();
  return {
    sent,
    saved,
    transport: {
      send: (id: string, frame: string) =>
        sent.set(id, [...(sent.get(id) ?? []), JSON.parse(frame) as ServerMessage]),
      saveState: (id: string, state: ConnectionState) => saved.set(id, structuredClone(state)),
      saveProgress: (id: string, state: ConnectionState) => saved.set(id, structuredClone(state)),
    },
    take(id: string): ServerMessage[] {
      const messages = sent.get(id) ?? [];
      sent.set(id, []);
      return messages;
    },
  };
}

function syncFor(
  { runner, store }: RunnerFixture,
  transport: ReturnType<typeof memoryTransport>["transport"],
) {
  const sync = new SyncServer(
    {
      checkQuery: (name, args) => runner.checkArgs(name, "query", args),
      observeQuery: (name, args, identity) => runner.observeQuery(name, args, identity),
      runMutation: (name, args, identity, options) => runner.runMutation(name, args, identity, options),
      exclusive: (work) => store.exclusive(work),
      version: () => store.version,
    },
    transport,
  );
  store.onCommitted((outcome) => sync.committed(outcome));
  return sync;
}

const frame = (message: unknown) => JSON.stringify(message);

describe("SyncServer", () => {
  it("sends first results, then per commit the caller's result and one transition with only changed results", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      sync.connect("a", null);
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "y", query: "tasks:list", args: { list: "y" } }),
      );
      expect(memory.take("a")).toEqual([
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 0,
          updates: [{ id: "x", value: [], hash: expect.any(String) }],
        },
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 0,
          updates: [{ id: "y", value: [], hash: expect.any(String) }],
        },
      ]);
      await sync.receive(
        "a",
        frame({ type: "mutate", requestId: "r1", mutation: "tasks:add", args: { list: "y", text: "t" } }),
      );
      const [result, transition] = memory.take("a");
      expect(transition).toMatchObject({
        type: "transition",
        fromVersion: 0,
        toVersion: 1,
        updates: [{ id: "y", value: [{ text: "t" }], hash: expect.any(String) }],
      });
      expect(result).toMatchObject({ type: "mutationResult", requestId: "r1", ok: true, commitVersion: 1 });
      expect(memory.saved.get("a")?.version).toBe(1);
    }));

  it("a caller gets its result first, then a transition to its commit even when none of its results changed", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      sync.connect("a", null);
      await sync.receive(
        "a",
        frame({ type: "mutate", requestId: "r", mutation: "tasks:add", args: { list: "z", text: "t" } }),
      );
      expect(memory.take("a")).toEqual([
        expect.objectContaining({ type: "mutationResult", ok: true, commitVersion: 1 }),
        { type: "transition", fromVersion: 0, toVersion: 1, updates: [] },
      ]);
    }));

  it("runs a query once per commit for every connection that holds it, per identity, with the same result bytes", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      const runs: string[] = [];
      const observe = fixture.runner.observeQuery.bind(fixture.runner);
      fixture.runner.observeQuery = (name, args, identity) => {
        runs.push(`${name} ${JSON.stringify(args)} ${identity?.subject ?? "anonymous"}`);
        return observe(name, args, identity);
      };
      const alice = { subject: "alice" };
      for (const id of ["a", "b", "c"]) sync.connect(id, null);
      sync.connect("d", null, alice);
      for (const id of ["a", "b", "c", "d"]) {
        await sync.receive(
          id,
          frame({ type: "subscribe", id: `q-${id}`, query: "tasks:list", args: { list: "x" } }),
        );
        await sync.receive(id, frame({ type: "subscribe", id: "who", query: "tasks:whoAmI", args: {} }));
        memory.take(id);
      }
      runs.length = 0;
      await fixture.runner.runMutation("tasks:add", { list: "x", text: "t" });
      // whoAmI read no table, so the write does not re-run it; tasks:list runs once per identity.
      expect(runs.sort()).toEqual(['tasks:list {"list":"x"} alice', 'tasks:list {"list":"x"} anonymous']);
      const sent = ["a", "b", "c", "d"].map((id) => memory.take(id));
      for (const [i, id] of ["a", "b", "c", "d"].entries()) {
        expect(sent[i]).toEqual([
          {
            type: "transition",
            fromVersion: 0,
            toVersion: 1,
            updates: [
              { id: `q-${id}`, value: [expect.objectContaining({ text: "t" })], hash: expect.any(String) },
            ],
          },
        ]);
      }
      const hashes = sent.map(
        (messages) => (messages[0] as { updates: { hash: string }[] }).updates[0]!.hash,
      );
      expect(new Set(hashes).size).toBe(1);
    }));

  it("connections that share a query's update are each sent a transition from their own version", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      for (const id of ["a", "b", "c"]) {
        sync.connect(id, null);
        await sync.receive(
          id,
          frame({ type: "subscribe", id: "q", query: "tasks:list", args: { list: "x" } }),
        );
      }
      // b's own commit elsewhere moves b alone to version 1.
      await sync.receive(
        "b",
        frame({ type: "mutate", requestId: "r", mutation: "tasks:add", args: { list: "other", text: "o" } }),
      );
      for (const id of ["a", "b", "c"]) memory.take(id);
      await fixture.runner.runMutation("tasks:add", { list: "x", text: "t" });
      const frames = ["a", "b", "c"].map((id) => memory.take(id));
      expect(
        frames.map((sent) => sent.map((m) => m.type === "transition" && [m.fromVersion, m.toVersion])),
      ).toEqual([[[0, 2]], [[1, 2]], [[0, 2]]]);
      for (const sent of frames)
        expect(sent[0]).toMatchObject({
          updates: [{ id: "q", value: [expect.objectContaining({ text: "t" })] }],
        });
    }));

  it("unsubscribed and disconnected subscriptions get nothing more", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      sync.connect("a", null);
      sync.connect("b", null);
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await sync.receive(
        "b",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await sync.receive("a", frame({ type: "unsubscribe", id: "x" }));
      sync.disconnect("b");
      memory.take("a");
      memory.take("b");
      await fixture.runner.runMutation("tasks:add", { list: "x", text: "t" });
      expect(memory.take("a")).toEqual([]);
      expect(memory.take("b")).toEqual([]);
      expect(sync.connectionCount).toBe(1);
    }));

  it("a connection restored from saved state re-runs on the next commit and sends only what changed", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const before = syncFor(fixture, memory.transport);
      before.connect("a", null);
      await before.receive(
        "a",
        frame({ type: "subscribe", id: "x", query: "tasks:list", args: { list: "x" } }),
      );
      await before.receive(
        "a",
        frame({ type: "subscribe", id: "y", query: "tasks:list", args: { list: "y" } }),
      );
      memory.take("a");
      // A new server, as after hibernation: only the saved state survives.
      const after = syncFor(fixture, memory.transport);
      after.connect("a", structuredClone(memory.saved.get("a")!));
      await fixture.runner.runMutation("tasks:add", { list: "y", text: "t" });
      expect(memory.take("a")).toEqual([
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 1,
          updates: [{ id: "y", value: [expect.objectContaining({ text: "t" })], hash: expect.any(String) }],
        },
      ]);
      // Now indexed again: a write elsewhere touches nothing.
      await fixture.runner.runMutation("tasks:add", { list: "other", text: "t" });
      expect(memory.take("a")).toEqual([]);
    }));

  it("a failing subscription is not re-run on every commit: only when what it read changes", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      const list = `failing-${crypto.randomUUID()}`;
      sync.connect("a", null);
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "f", query: "tasks:listThenFail", args: { list } }),
      );
      expect(memory.take("a")).toEqual([
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 0,
          updates: [
            {
              id: "f",
              error: { code: "INVALID_ARGUMENT", message: expect.any(String) },
              hash: expect.any(String),
            },
          ],
        },
      ]);
      expect(listThenFailRuns.get(list)).toBe(1);

      // Commits to another table, and to another range of the same index: not re-run.
      await fixture.runner.runMutation("counters:increment", { name: "c" });
      await fixture.runner.runMutation("tasks:add", { list: `${list}-other`, text: "fixed" });
      expect(listThenFailRuns.get(list)).toBe(1);
      expect(memory.take("a")).toEqual([]);

      // A write to its list re-runs it; still failing the same way, so nothing is sent.
      await fixture.runner.runMutation("tasks:add", { list, text: "not yet" });
      expect(listThenFailRuns.get(list)).toBe(2);
      expect(memory.take("a")).toEqual([]);

      // It recovers when its list changes so that it can.
      await fixture.runner.runMutation("tasks:add", { list, text: "fixed" });
      expect(listThenFailRuns.get(list)).toBe(3);
      expect(memory.take("a")).toEqual([
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 4,
          updates: [{ id: "f", value: ["not yet", "fixed"], hash: expect.any(String) }],
        },
      ]);
      await fixture.runner.runMutation("counters:increment", { name: "c" });
      expect(listThenFailRuns.get(list)).toBe(3);
    }));

  it("a subscription that failed for a reason its reads don't explain (a database down) is retried after a backoff, also when no commit comes", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      outage.down = true;
      outage.runs = 0;
      sync.connect("a", null);
      await sync.receive(
        "a",
        frame({ type: "subscribe", id: "d", query: "tasks:listWhileDown", args: { list: "x" } }),
      );
      expect(memory.take("a")).toEqual([
        expect.objectContaining({
          updates: [expect.objectContaining({ error: expect.objectContaining({ code: "UNAVAILABLE" }) })],
        }),
      ]);
      // It read nothing before failing, so no write would ever re-run it; within the backoff an
      // unrelated commit does not either.
      await fixture.runner.runMutation("counters:increment", { name: "c" });
      expect(outage.runs).toBe(1);
      outage.down = false;
      // The first retry is due after 500 ms; nothing commits meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(outage.runs).toBe(2);
      expect(memory.take("a")).toEqual([
        expect.objectContaining({ updates: [{ id: "d", value: [], hash: expect.any(String) }] }),
      ]);
      // Recovered: indexed by what it read, so unrelated commits leave it alone again.
      await fixture.runner.runMutation("counters:increment", { name: "c" });
      expect(outage.runs).toBe(2);
    }));

  it("a connection whose send failed gets what it missed on the next commit, even one that touches another of its queries", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      let broken = false;
      const sync = syncFor(fixture, {
        send: (id: string, frame: string) => {
          if (broken && id === "a") throw new Error("socket a is closing");
          return memory.transport.send(id, frame);
        },
        saveState: memory.transport.saveState,
        saveProgress: memory.transport.saveProgress,
      });
      sync.connect("a", null);
      for (const name of ["one", "two"]) {
        await sync.receive(
          "a",
          frame({ type: "subscribe", id: name, query: "counters:get", args: { name } }),
        );
      }
      memory.take("a");
      broken = true;
      await fixture.runner.runMutation("counters:increment", { name: "one" });
      broken = false;
      await fixture.runner.runMutation("counters:increment", { name: "two" });
      const [transition] = memory.take("a") as Extract<ServerMessage, { type: "transition" }>[];
      expect(transition?.toVersion).toBe(2);
      expect(transition?.updates.map((u) => [u.id, "value" in u ? u.value : u.error])).toEqual(
        expect.arrayContaining([
          ["one", 1],
          ["two", 1],
        ]),
      );
    }));

  it("a send that throws costs only its own connection, whose result is sent again once it recovers", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const broken = new Set<string>();
      const transport = {
        send: (id: string, frame: string) => {
          if (broken.has(id)) throw new Error(`socket ${id} is closing`);
          return memory.transport.send(id, frame);
        },
        saveState: memory.transport.saveState,
        saveProgress: memory.transport.saveProgress,
      };
      const sync = syncFor(fixture, transport);
      // The failing connection comes first, so a throw would stop the others' sends.
      for (const id of ["bad", "a", "b"]) {
        sync.connect(id, null);
        await sync.receive(
          id,
          frame({ type: "subscribe", id: "c", query: "counters:get", args: { name: "c" } }),
        );
        memory.take(id);
      }
      const before = structuredClone(memory.saved.get("bad")!);
      expect(before.subscriptions.c?.hash).toEqual(expect.any(String));

      broken.add("bad");
      await fixture.runner.runMutation("counters:increment", { name: "c" });
      for (const id of ["a", "b"]) {
        expect(memory.take(id)).toEqual([
          {
            type: "transition",
            fromVersion: 0,
            toVersion: 1,
            updates: [{ id: "c", value: 1, hash: expect.any(String) }],
          },
        ]);
      }
      // Nothing went out to "bad", so neither its version nor its hash moved.
      expect(memory.take("bad")).toEqual([]);
      expect(memory.saved.get("bad")).toEqual(before);
      // Its own mutation fails to answer too, and harms no one.
      await sync.receive(
        "bad",
        frame({ type: "mutate", requestId: "r", mutation: "counters:increment", args: { name: "d" } }),
      );
      expect(memory.take("a")).toEqual([]);

      // It recovers; a commit that leaves the result as it was (1) still reaches it, since
      // it never got that result; the others, who have it, get nothing.
      broken.delete("bad");
      await fixture.runner.runMutation("counters:increment", { name: "c", by: 0 });
      expect(memory.take("bad")).toEqual([
        {
          type: "transition",
          fromVersion: 0,
          toVersion: 3,
          updates: [{ id: "c", value: 1, hash: expect.any(String) }],
        },
      ]);
      expect(memory.take("a")).toEqual([]);
      expect(memory.take("b")).toEqual([]);
      expect(memory.saved.get("bad")?.version).toBe(3);
    }));

  it("a re-subscribe with the hash the client holds sends only what changed, and one transition to the current version", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      const subscribe = (connection: string, id: string, hash?: string) =>
        sync.receive(
          connection,
          frame({
            type: "subscribe",
            id,
            query: "tasks:list",
            args: { list: id },
            ...(hash ? { hash } : {}),
          }),
        );
      const hashesOf = (messages: ServerMessage[]) =>
        new Map(
          messages.flatMap((m) =>
            m.type === "transition" ? m.updates.map((u) => [u.id, u.hash] as const) : [],
          ),
        );

      // A namespace with no commit yet: the held results are confirmed all the same.
      sync.connect("first", null);
      await subscribe("first", "x");
      await subscribe("first", "y");
      const empty = hashesOf(memory.take("first"));
      sync.disconnect("first");
      sync.connect("again", null);
      await subscribe("again", "x", empty.get("x"));
      await subscribe("again", "y", empty.get("y"));
      const confirmed = memory.take("again");
      expect(confirmed.length).toBeGreaterThan(0);
      expect(confirmed.flatMap((m) => (m.type === "transition" ? m.updates : []))).toEqual([]);
      sync.disconnect("again");

      await fixture.runner.runMutation("tasks:add", { list: "x", text: "1" });
      await fixture.runner.runMutation("tasks:add", { list: "y", text: "1" });
      sync.connect("a", null);
      await subscribe("a", "x");
      await subscribe("a", "y");
      const held = hashesOf(memory.take("a"));
      sync.disconnect("a");

      // Unchanged: one empty transition to the current version, no results.
      sync.connect("b", null);
      await subscribe("b", "x", held.get("x"));
      await subscribe("b", "y", held.get("y"));
      expect(memory.take("b")).toEqual([{ type: "transition", fromVersion: 0, toVersion: 2, updates: [] }]);
      // A resumed subscription is live: the next change is sent, from the version it confirmed.
      await fixture.runner.runMutation("tasks:add", { list: "y", text: "2" });
      expect(memory.take("b")).toEqual([
        {
          type: "transition",
          fromVersion: 2,
          toVersion: 3,
          updates: [
            {
              id: "y",
              value: [expect.objectContaining({ text: "1" }), expect.objectContaining({ text: "2" })],
              hash: expect.any(String),
            },
          ],
        },
      ]);
      sync.disconnect("b");

      // One changed (y), one a hash the server never made: both sent; x unchanged is not.
      sync.connect("c", null);
      await subscribe("c", "x", held.get("x"));
      await subscribe("c", "y", held.get("y"));
      await sync.receive(
        "c",
        frame({ type: "subscribe", id: "z", query: "tasks:list", args: { list: "x" }, hash: "nonsense" }),
      );
      const messages = memory.take("c");
      expect(messages.flatMap((m) => (m.type === "transition" ? m.updates.map((u) => u.id) : []))).toEqual([
        "y",
        "z",
      ]);
      expect(messages.at(-1)).toMatchObject({ type: "transition", toVersion: 3 });
    }));
});

describe("SyncServer heartbeats", () => {
  it("answers a heartbeat that reaches it at once, while the lane is busy, where a ping waits", () =>
    withRunner(async (fixture) => {
      const memory = memoryTransport();
      const sync = syncFor(fixture, memory.transport);
      sync.connect("a", null);
      sync.connect("b", null);
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const busy = fixture.store.exclusive(async () => {
        started();
        await held;
      });
      await running;
      const ping = sync.receive("b", frame({ type: "ping" }));
      await sync.receive("a", frame({ type: "heartbeat" }));
      expect(memory.take("a")).toEqual([{ type: "heartbeatAck" }]);
      expect(memory.take("b")).toEqual([]);
      release();
      await Promise.all([busy, ping]);
      expect(memory.take("b")).toEqual([{ type: "pong" }]);
    }));
});
