import { describe, expect, it } from "vitest";
import { hasUpdate, SocketClient } from "./socket-client";

describe("bad input never closes the socket or harms other clients", () => {
  it("answers each bad frame with an error that says what was wrong, and keeps serving", async () => {
    const namespace = `bad-${crypto.randomUUID()}`;
    const [client, bystander] = await Promise.all([
      SocketClient.open(namespace, { as: "ada" }),
      SocketClient.open(namespace, { as: "ada" }),
    ]);
    await bystander.subscribe("q", "tasks:list", { list: "x" });
    const cases: [unknown, Record<string, unknown>][] = [
      ["this is not json", { type: "error", code: "BAD_FRAME", message: "frame is not valid JSON" }],
      [
        { type: "dance" },
        {
          type: "error",
          code: "BAD_MESSAGE",
          message: expect.stringContaining('unknown message type "dance"'),
        },
      ],
      [
        { type: "subscribe", query: "tasks:list" },
        { type: "error", code: "BAD_MESSAGE", message: expect.stringContaining('"id"') },
      ],
      [
        { type: "subscribe", id: "u", query: "tasks:nope", args: {} },
        {
          type: "error",
          code: "NOT_FOUND",
          id: "u",
          message: expect.stringContaining('unknown function "tasks:nope"'),
        },
      ],
      [
        { type: "subscribe", id: "w", query: "tasks:list", args: { list: 5 } },
        {
          type: "error",
          code: "INVALID_ARGUMENT",
          id: "w",
          message: "args.list: expected string, got number",
        },
      ],
      [
        { type: "subscribe", id: "k", query: "tasks:add", args: {} },
        {
          type: "error",
          code: "INVALID_ARGUMENT",
          id: "k",
          message: '"tasks:add" is a mutation, not a query',
        },
      ],
      [
        { type: "unsubscribe", id: "never" },
        { type: "error", code: "UNKNOWN_ID", id: "never" },
      ],
      [
        { type: "ping", pad: "x".repeat(1024 * 1024) },
        { type: "error", code: "FRAME_TOO_LARGE" },
      ],
      [
        { type: "subscribe", id: "big", query: "tasks:list", args: { list: "x".repeat(17 * 1024) } },
        {
          type: "error",
          code: "LIMIT_EXCEEDED",
          id: "big",
          message: expect.stringContaining("larger than 16384 bytes"),
        },
      ],
      [
        { type: "subscribe", id: "i".repeat(129), query: "tasks:list", args: { list: "x" } },
        {
          type: "error",
          code: "BAD_MESSAGE",
          message: expect.stringContaining("longer than 128 characters"),
        },
      ],
      [
        { type: "mutate", requestId: "r".repeat(129), mutation: "tasks:add", args: {} },
        { type: "error", code: "BAD_MESSAGE", message: expect.stringContaining('"requestId"') },
      ],
    ];
    for (const [frame, expected] of cases) {
      client.send(frame);
      expect(await client.next()).toMatchObject(expected);
      // The socket stays open and serving after each refusal.
      await client.settle();
    }
    // An id of exactly 128 characters is fine.
    expect(await client.subscribe("i".repeat(128), "tasks:list", { list: "x" })).toEqual([]);
    // A mutation with bad arguments gets a failed mutationResult.
    expect(await client.mutate("m", "tasks:add", { list: "x", text: 42 })).toMatchObject({
      ok: false,
      error: { code: "INVALID_ARGUMENT", message: "args.text: expected string, got number" },
    });
    expect(await client.mutate("m2", "tasks:nope", {})).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND" },
    });
    // A reused subscription id.
    await client.subscribe("dup", "tasks:list", { list: "x" });
    client.send({ type: "subscribe", id: "dup", query: "tasks:list", args: { list: "y" } });
    expect(await client.next()).toMatchObject({ type: "error", code: "DUPLICATE_ID", id: "dup" });
    // Still serving, and the bystander still gets its updates.
    expect(await client.mutate("ok", "tasks:add", { list: "x", text: "fine" })).toMatchObject({ ok: true });
    expect(await bystander.next((m) => m.type === "transition")).toMatchObject({
      updates: [{ id: "q", value: [{ text: "fine" }] }],
    });
    await Promise.all([client.close(), bystander.close()]);
  });

  it("refuses the 1001st subscription on a connection with LIMIT_EXCEEDED, and keeps serving", async () => {
    const namespace = `limit-${crypto.randomUUID()}`;
    const client = await SocketClient.open(namespace, { as: "ada" });
    for (let i = 0; i < 1000; i++)
      client.send({ type: "subscribe", id: `s${i}`, query: "counters:get", args: { name: `c${i}` } });
    // Subscriptions are answered in order: the last one's result means all 1000 are held.
    await client.next((m) => m.type === "transition" && hasUpdate(m, "s999"), 60_000);
    client.send({ type: "subscribe", id: "s1000", query: "counters:get", args: { name: "c1000" } });
    expect(await client.next((m) => m.type === "error")).toMatchObject({
      code: "LIMIT_EXCEEDED",
      id: "s1000",
      message: expect.stringContaining("at most 1000 subscriptions"),
    });
    await client.settle();
    // Unsubscribing one makes room for another.
    client.send({ type: "unsubscribe", id: "s0" });
    expect(await client.subscribe("s1000", "counters:get", { name: "c1000" })).toEqual({ $int64: "0" });
    expect(client.pending().filter((m) => m.type === "error")).toEqual([]);
    await client.close();
  }, 120_000);
});
