import { describe, expect, it } from "vitest";
import { UsageError } from "../src/options";
import { parseProfileOptions } from "../src/profile";

describe("bench:profile's options", () => {
  it("profiles 2,000 writes to one subscriber by default, and takes pnpm's --", () => {
    const defaults = { subscribers: 1, inserts: null, writes: 2000, top: 30, rev: null, out: null };
    expect(parseProfileOptions([])).toEqual(defaults);
    expect(parseProfileOptions(["--"])).toEqual(defaults);
  });

  it("reads every option", () => {
    expect(
      parseProfileOptions([
        "--subscribers",
        "100",
        "--writes",
        "500",
        "--top",
        "10",
        "--rev",
        "HEAD~1",
        "--out",
        "p.cpuprofile",
      ]),
    ).toEqual({ subscribers: 100, inserts: null, writes: 500, top: 10, rev: "HEAD~1", out: "p.cpuprofile" });
    expect(parseProfileOptions(["--inserts", "32", "--writes", "4000"])).toMatchObject({
      subscribers: 1,
      inserts: 32,
      writes: 4000,
    });
    expect(parseProfileOptions(["--help"])).toBe("help");
  });

  it("refuses what it cannot use, naming it", () => {
    expect(() => parseProfileOptions(["--subscribers", "0"])).toThrow(
      new UsageError('--subscribers takes a whole number of at least 1, not "0"'),
    );
    expect(() => parseProfileOptions(["--writes", "many"])).toThrow(/--writes takes a whole number/);
    expect(() => parseProfileOptions(["--inserts", "0"])).toThrow(
      /--inserts takes a whole number of at least 1/,
    );
    expect(() => parseProfileOptions(["--rev"])).toThrow(/--rev needs a value/);
    expect(() => parseProfileOptions(["--fast"])).toThrow(/unknown option "--fast"/);
  });
});
