import { decodeTime } from "ulid";
import { describe, expect, it } from "vitest";
import { UlidSequence } from "./ulid-sequence";

describe("UlidSequence", () => {
  it("keeps the order it is asked in, with the given time part, also within one millisecond", () => {
    const sequence = new UlidSequence();
    const ids = [5, 5, 5, 9, 9, 10].map((time) => sequence.next(time));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map(decodeTime)).toEqual([5, 5, 5, 9, 9, 10]);
  });

  it("keeps an earlier time's id after a later one (the time part stays the last one's)", () => {
    const sequence = new UlidSequence();
    const a = sequence.next(100);
    const b = sequence.next(50);
    expect(b > a).toBe(true);
    expect(decodeTime(b)).toBe(100);
  });

  it("continues after ids from an earlier run", () => {
    const earlier = new UlidSequence();
    const kept = [earlier.next(7), earlier.next(7)];
    const resumed = new UlidSequence();
    for (const id of kept) resumed.observe(id);
    const next = resumed.next(7);
    expect(next > kept[1]!).toBe(true);
    expect(decodeTime(next)).toBe(7);
  });

  it("refuses a time a ULID cannot hold", () => {
    expect(() => new UlidSequence().next(-1)).toThrow(RangeError);
    expect(() => new UlidSequence().next(2 ** 48)).toThrow(RangeError);
  });
});
