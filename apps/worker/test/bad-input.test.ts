import { describe, expect, it } from "vitest";
import { SocketClient } from "./socket-client";

describe("bad input never closes the socket or harms other clients", () => {
  it("answers each bad frame with an error that says what was wrong, and keeps serving", async () => {
    const namespace = `bad-${crypto.randomUUID()}`;
    const [client, bystander] = await Promise.all([
      SocketClient.open(namespace),
      SocketClient.open(namespace),
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
    ];
    for (const [frame, expected] of cases) {
      client.send(frame);
      expect(await client.next()).toMatchObject(expected);
    }
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
});
