import { fromWire } from "@orrery/protocol";
import { SYSTEM_TABLES } from "@orrery/schema";
import { describe, expect, it } from "vitest";
import type { OutboxEnvelope } from "../src/outbox/outbox-message";
import { OutboxTable } from "../src/outbox/outbox-table";
import { relayGlobalOutbox, relayOutbox } from "../src/outbox/relay-outbox";
import type { SqlExec } from "../src/sql/sql-exec";
import { type SchedulerFixture, withScheduler } from "./scheduler-fixture";

const o = SYSTEM_TABLES.outbox.columns;

async function rowsOf(exec: SqlExec, table: string, namespace: string) {
  const { rows } = await exec.run({
    sql: `SELECT * FROM "${table}" WHERE "${o.namespace}" = ? ORDER BY "${o.commitVersion}", "${o.seq}"`,
    params: [namespace],
  });
  return rows;
}
const home = (fixture: SchedulerFixture) =>
  rowsOf(fixture.exec, SYSTEM_TABLES.outbox.name, fixture.store.namespace);
const external = (fixture: SchedulerFixture) =>
  rowsOf(fixture.globalExec, SYSTEM_TABLES.globalOutbox.name, fixture.store.namespace);

describe("ctx.outbox.publish", () => {
  it("writes the message in the mutation's commit, in the home outbox when it wrote only home tables", async () => {
    await withScheduler(async (fixture) => {
      const {
        value: id,
        commitVersion,
        homeMessages,
      } = await fixture.runner.runMutation("work:publish", {
        topic: "greetings",
        payload: { text: "hi", n: 12n },
      });
      expect(homeMessages).toBe(1);
      expect(await home(fixture)).toEqual([
        {
          namespace: fixture.store.namespace,
          id,
          topic: "greetings",
          payload: JSON.stringify({ text: "hi", n: { $int64: "12" } }),
          commit_version: commitVersion,
          seq: 0,
          created_at: fixture.clock.time,
          sent_at: null,
        },
      ]);
      expect(await external(fixture)).toEqual([]);
    });
  });

  it("a rolled-back mutation publishes nothing", async () => {
    await withScheduler(async (fixture) => {
      await expect(
        fixture.runner.runMutation("work:publish", { topic: "t", payload: 1, fail: true }),
      ).rejects.toThrow("rolled back");
      expect(await home(fixture)).toEqual([]);
      expect(fixture.store.version).toBe(0);
    });
  });

  it("with a .global() write the message goes in the external outbox, in the same transaction", async () => {
    await withScheduler(async (fixture) => {
      const {
        value: orderId,
        commitVersion,
        homeMessages,
      } = await fixture.runner.runMutation("work:placeOrder", {
        customer: "acme",
        total: 12,
      });
      expect(homeMessages).toBe(0);
      expect(await home(fixture)).toEqual([]);
      const [row, ...more] = await external(fixture);
      expect(more).toEqual([]);
      expect(row).toMatchObject({ topic: "orders", commit_version: commitVersion, sent_at: null });
      expect(JSON.parse(String(row?.payload))).toEqual({ orderId, total: 12 });
    });
  });

  it("refuses a bad topic or a payload too large for a Queue message, naming it", async () => {
    await withScheduler(async ({ runner }) => {
      await expect(
        runner.runMutation("work:publish", { topic: "no spaces", payload: 1 }),
      ).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining('topic "no spaces" must be 1 to 128 letters'),
      });
      await expect(
        runner.runMutation("work:publish", { topic: "big", payload: "x".repeat(130 * 1024) }),
      ).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("over the 122880"),
      });
    });
  });
});

describe("the relay", () => {
  it("sends in commit order, marks sent, resends a page whose marking was lost, and prunes what was sent", async () => {
    await withScheduler(async (fixture) => {
      const { runner, exec, store, clock } = fixture;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (await runner.runMutation("work:publish", { topic: i % 2 ? "odd" : "even", payload: i }))
            .value as string,
        );
      const table = new OutboxTable(exec, "home");
      const received: OutboxEnvelope[] = [];
      // Dies between sending and marking: the Queue has the messages, the outbox does not know.
      const dying = relayOutbox({
        table,
        namespace: store.namespace,
        now: clock.now,
        pageSize: 3,
        send: async (page) => {
          received.push(...page);
          throw new Error("the relay was killed");
        },
      });
      await expect(dying).rejects.toThrow("killed");
      expect(received.map((m) => m.id)).toEqual(ids.slice(0, 3));
      const result = await relayOutbox({
        table,
        namespace: store.namespace,
        now: clock.now,
        pageSize: 3,
        send: async (page) => {
          received.push(...page);
        },
      });
      expect(result).toEqual({ sent: 5, more: false });
      // Delivered at least once, in order each time; the first three twice.
      expect(received.map((m) => m.id)).toEqual([...ids.slice(0, 3), ...ids]);
      expect(received.slice(3).map((m) => [m.topic, fromWire(m.payload), m.seq])).toEqual([
        ["even", 0, 0],
        ["odd", 1, 0],
        ["even", 2, 0],
        ["odd", 3, 0],
        ["even", 4, 0],
      ]);
      expect((await home(fixture)).every((row) => row.sent_at === clock.time)).toBe(true);
      expect(await table.state(store.namespace)).toEqual({ unsent: false, oldestSentAt: clock.time });
      clock.advance(10);
      expect(await table.prune(clock.time - 5, store.namespace)).toBe(5);
      expect(await home(fixture)).toEqual([]);
    });
  });

  it("the external poller holds a lease: a second run while the first holds it sends nothing", async () => {
    await withScheduler(async (fixture) => {
      await fixture.runner.runMutation("work:placeOrder", { customer: "a", total: 1 });
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const sent: string[] = [];
      const first = relayGlobalOutbox({
        exec: fixture.globalExec,
        now: fixture.clock.now,
        send: async (page) => {
          sent.push(...page.map((m) => `first:${m.namespace === fixture.store.namespace}`));
          await held;
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(
        await relayGlobalOutbox({
          exec: fixture.globalExec,
          now: fixture.clock.now,
          send: async () => undefined,
        }),
      ).toEqual({ sent: 0, more: false, busy: true, pruned: 0 });
      release();
      const result = await first;
      expect(result.busy).toBe(false);
      expect(sent).toContain("first:true");
      expect((await external(fixture)).every((row) => row.sent_at !== null)).toBe(true);
    });
  });
});
