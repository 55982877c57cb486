import { describe, expect, it } from "vitest";
import {
  encodeClientMessage,
  encodeServerMessage,
  HEARTBEAT_REQUEST,
  HEARTBEAT_RESPONSE,
  MAX_FRAME_BYTES,
  MAX_SUBSCRIBE_ARGS_BYTES,
  parseClientMessage,
  parseServerMessage,
  type ServerMessage,
} from "./protocol";
import { fromWire, toWire } from "./wire-value";

describe("parseClientMessage", () => {
  it("reads each client message", () => {
    expect(
      parseClientMessage('{"type":"subscribe","id":"q1","query":"tasks:list","args":{"list":"a"}}'),
    ).toEqual({
      ok: true,
      message: { type: "subscribe", id: "q1", query: "tasks:list", args: { list: "a" } },
    });
    expect(parseClientMessage('{"type":"unsubscribe","id":"q1"}')).toMatchObject({ ok: true });
    expect(parseClientMessage('{"type":"mutate","requestId":"m1","mutation":"tasks:add"}')).toEqual({
      ok: true,
      message: { type: "mutate", requestId: "m1", mutation: "tasks:add", args: {} },
    });
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ ok: true, message: { type: "ping" } });
  });

  it("reads the heartbeat pair as exactly the strings the runtime auto-answers", () => {
    expect(parseClientMessage(HEARTBEAT_REQUEST)).toEqual({ ok: true, message: { type: "heartbeat" } });
    expect(encodeClientMessage({ type: "heartbeat" })).toBe(HEARTBEAT_REQUEST);
    expect(encodeServerMessage({ type: "heartbeatAck" })).toBe(HEARTBEAT_RESPONSE);
    expect(parseServerMessage(HEARTBEAT_RESPONSE)).toEqual({ type: "heartbeatAck" });
  });

  it("takes a subscribe hash only in the server's own form, so it cannot be used to store megabytes", () => {
    const subscribe = (hash: unknown) =>
      parseClientMessage(JSON.stringify({ type: "subscribe", id: "q", query: "t:l", hash }));
    expect(subscribe("k3j9x0a1b2")).toMatchObject({ ok: true, message: { hash: "k3j9x0a1b2" } });
    for (const hash of ["", "x".repeat(17), "Not-A-Hash", 42, "a".repeat(1_000_000)]) {
      expect(subscribe(hash)).toMatchObject({ ok: false, error: { code: "BAD_MESSAGE", id: "q" } });
    }
  });

  it("names what is wrong with a bad frame", () => {
    expect(parseClientMessage("not json")).toMatchObject({ ok: false, error: { code: "BAD_FRAME" } });
    expect(parseClientMessage(new ArrayBuffer(2))).toMatchObject({ ok: false, error: { code: "BAD_FRAME" } });
    expect(parseClientMessage("[1]")).toMatchObject({ ok: false, error: { code: "BAD_MESSAGE" } });
    expect(parseClientMessage('{"type":"dance"}')).toMatchObject({
      ok: false,
      error: { code: "BAD_MESSAGE", message: expect.stringContaining('unknown message type "dance"') },
    });
    expect(parseClientMessage('{"type":"subscribe","query":"a:b"}')).toMatchObject({
      error: { message: 'subscribe: "id" must be a non-empty string' },
    });
    expect(parseClientMessage('{"type":"subscribe","id":"q","query":"a:b","args":[1]}')).toMatchObject({
      error: { code: "BAD_MESSAGE", id: "q" },
    });
    const big = JSON.stringify({ type: "ping", pad: "x".repeat(MAX_FRAME_BYTES) });
    expect(parseClientMessage(big)).toMatchObject({ ok: false, error: { code: "FRAME_TOO_LARGE" } });
  });

  it("counts a frame's and subscribe args' size in UTF-8 bytes, not characters", () => {
    // "€" is one UTF-16 unit and three UTF-8 bytes: fewer characters than the limit, more bytes.
    const euros = (bytes: number) => "€".repeat(Math.floor(bytes / 3) + 1);
    const wide = JSON.stringify({ type: "ping", pad: euros(MAX_FRAME_BYTES) });
    expect(wide.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(parseClientMessage(wide)).toMatchObject({ ok: false, error: { code: "FRAME_TOO_LARGE" } });
    const args = { text: euros(MAX_SUBSCRIBE_ARGS_BYTES) };
    expect(JSON.stringify(args).length).toBeLessThan(MAX_SUBSCRIBE_ARGS_BYTES);
    expect(
      parseClientMessage(JSON.stringify({ type: "subscribe", id: "w", query: "a:b", args })),
    ).toMatchObject({ ok: false, error: { code: "LIMIT_EXCEEDED", id: "w" } });
    // Just under: accepted.
    const fits = { text: "€".repeat(Math.floor((MAX_SUBSCRIBE_ARGS_BYTES - 20) / 3)) };
    expect(
      parseClientMessage(JSON.stringify({ type: "subscribe", id: "w", query: "a:b", args: fits })),
    ).toMatchObject({ ok: true });
  });

  it("refuses subscribe args nested too deep for JSON.stringify with LIMIT_EXCEEDED, never throwing", () => {
    const deep = `{"type":"subscribe","id":"d","query":"a:b","args":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    expect(parseClientMessage(deep)).toMatchObject({
      ok: false,
      error: { code: "LIMIT_EXCEEDED", id: "d", message: 'subscribe: "args" nest deeper than 64 levels' },
    });
  });
});

describe("parseServerMessage", () => {
  it("reads the maintenance message both ways, as encodeServerMessage writes it", () => {
    const messages: ServerMessage[] = [
      { type: "maintenance", on: true, message: "moving to Postgres, back at 14:00" },
      { type: "maintenance", on: false },
    ];
    for (const message of messages) expect(parseServerMessage(encodeServerMessage(message))).toEqual(message);
    expect(encodeServerMessage({ type: "maintenance", on: false })).toBe('{"type":"maintenance","on":false}');
  });

  it("gives null for a frame that is no message", () => {
    expect(parseServerMessage("not json")).toBeNull();
    expect(parseServerMessage('{"type":"dance"}')).toBeNull();
    expect(parseServerMessage("[1]")).toBeNull();
  });
});

describe("wire values", () => {
  it("round-trip bigint and bytes through JSON", () => {
    const value = {
      n: 2n ** 63n - 1n,
      b: new Uint8Array([1, 2, 255]).buffer,
      list: [1, "x", null],
      skip: undefined,
    };
    const back = fromWire(JSON.parse(JSON.stringify(toWire(value)))) as typeof value;
    expect(back.n).toBe(2n ** 63n - 1n);
    expect(new Uint8Array(back.b)).toEqual(new Uint8Array([1, 2, 255]));
    expect(back.list).toEqual([1, "x", null]);
    expect(back).not.toHaveProperty("skip");
  });
});
