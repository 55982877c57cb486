import { describe, expect, it } from "vitest";
import {
  encodeClientMessage,
  encodeServerMessage,
  MAX_TOKEN_LENGTH,
  parseClientMessage,
  parseServerMessage,
  type ServerMessage,
} from "./protocol";
import { readSubprotocols, SUBPROTOCOL, subprotocolsFor } from "./subprotocol";

const JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

describe("authenticate", () => {
  it("reads a token, or null to sign out, as encodeClientMessage writes them", () => {
    for (const token of [JWT, null]) {
      const frame = encodeClientMessage({ type: "authenticate", token });
      expect(parseClientMessage(frame)).toEqual({ ok: true, message: { type: "authenticate", token } });
    }
  });

  it("names what is wrong with a bad token field", () => {
    for (const token of [undefined, "", 42, {}, ["a"]]) {
      expect(parseClientMessage(JSON.stringify({ type: "authenticate", token }))).toEqual({
        ok: false,
        error: {
          code: "BAD_MESSAGE",
          message: 'authenticate: "token" must be a non-empty string, or null to sign out',
        },
      });
    }
    const long = JSON.stringify({ type: "authenticate", token: "x".repeat(MAX_TOKEN_LENGTH + 1) });
    expect(parseClientMessage(long)).toMatchObject({
      ok: false,
      error: { code: "BAD_MESSAGE", message: expect.stringContaining("longer than 16384") },
    });
  });

  it("reads the server's auth answer both ways", () => {
    const messages: ServerMessage[] = [
      { type: "auth", subject: "alice" },
      { type: "auth", subject: null },
      { type: "auth", subject: null, error: { code: "UNAUTHENTICATED", message: "the token expired" } },
    ];
    for (const message of messages) expect(parseServerMessage(encodeServerMessage(message))).toEqual(message);
  });
});

describe("the token subprotocol", () => {
  it("offers orrery, and the token after orrery.auth.", () => {
    expect(subprotocolsFor(null)).toEqual([SUBPROTOCOL]);
    expect(subprotocolsFor(JWT)).toEqual(["orrery", `orrery.auth.${JWT}`]);
    expect(readSubprotocols(subprotocolsFor(JWT).join(", "))).toEqual({ orrery: true, token: JWT });
    expect(readSubprotocols("orrery")).toEqual({ orrery: true, token: null });
    expect(readSubprotocols(null)).toEqual({ orrery: false, token: null });
    expect(readSubprotocols("chat, orrery.auth.")).toEqual({ orrery: false, token: null });
  });

  it("refuses a token a browser could not put in the header", () => {
    expect(() => subprotocolsFor("a b")).toThrow(/cannot travel as a WebSocket subprotocol/);
    expect(() => subprotocolsFor("abc/def=")).toThrow(/letters, digits/);
  });
});
