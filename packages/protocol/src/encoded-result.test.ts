import { describe, expect, it } from "vitest";
import { encodeResult, encodeTransition, encodeUpdate } from "./encoded-result";
import { encodeServerMessage, type QueryUpdate } from "./protocol";
import { hashResult } from "./result-hash";
import { toWire } from "./wire-value";

describe("encoded results", () => {
  it("assemble the same frame, byte for byte, as encoding the whole message", () => {
    const value = toWire([{ _id: 'a"b', n: 10n, at: new Date(0), bytes: new Uint8Array([1, 2]) }]);
    const error = { code: "UNAVAILABLE", message: 'Postgres is down "now"' };
    const ok = encodeResult({ value });
    const failed = encodeResult({ error });
    const updates: QueryUpdate[] = [
      { id: "q1", value, hash: ok.hash },
      { id: 'q"2', error, hash: failed.hash },
    ];
    expect(encodeTransition(3, 5, [encodeUpdate("q1", ok), encodeUpdate('q"2', failed)])).toBe(
      encodeServerMessage({ type: "transition", fromVersion: 3, toVersion: 5, updates }),
    );
    expect(encodeTransition(0, 0, [])).toBe(
      encodeServerMessage({ type: "transition", fromVersion: 0, toVersion: 0, updates: [] }),
    );
  });

  it("hash the result's JSON as the protocol defines it", () => {
    expect(encodeResult({ value: 7 }).hash).toBe(hashResult('{"value":7}'));
    expect(encodeResult({ value: null }).fields).toBe('"value":null');
  });

  it("refuse a result with neither value nor error", () => {
    expect(() => encodeResult({ value: undefined as never })).toThrow(/value or an error/);
  });
});
