import { describe, expect, it } from "vitest";
import { CASES, parseOptions, UsageError } from "../src/options";

const DOC = "/repo/docs/benchmarks.md";

describe("pnpm bench's options", () => {
  it("runs every case three times and writes the doc by default", () => {
    expect(parseOptions([], {}, DOC)).toEqual({
      quick: false,
      rounds: 3,
      cases: new Set(CASES),
      out: DOC,
      json: null,
      rev: null,
    });
  });

  it("--quick (or ORRERY_BENCH_QUICK=1, for turbo) runs one round and writes no doc", () => {
    for (const options of [
      parseOptions(["--", "--quick"], {}, DOC),
      parseOptions([], { ORRERY_BENCH_QUICK: "1" }, DOC),
    ]) {
      expect(options).toMatchObject({ quick: true, rounds: 1, out: null });
    }
  });

  it("a subset of cases writes no doc unless --out says where", () => {
    expect(parseOptions(["--cases", "shared,memory"], {}, DOC)).toMatchObject({
      cases: new Set(["shared", "memory"]),
      out: null,
    });
    expect(parseOptions(["--cases", "shared", "--out", "x.md", "--rev", "HEAD~1"], {}, DOC)).toMatchObject({
      out: "x.md",
      rev: "HEAD~1",
    });
  });

  it.each([
    [["--rounds", "0"], '--rounds must be a whole number from 1 to 20, got "0"'],
    [
      ["--cases", "shared,fanout"],
      'unknown case "fanout" in --cases (known: shared, selectivity, scaling, memory, throughput)',
    ],
    [["--json"], "--json needs a value"],
    [["--fast"], 'unknown option "--fast" (see --help)'],
  ])("refuses %j with one line naming it", (argv, message) => {
    expect(() => parseOptions(argv, {}, DOC)).toThrow(new UsageError(message));
  });

  it("--help is asked for, not an error", () => {
    expect(parseOptions(["--quick", "--help"], {}, DOC)).toBe("help");
  });
});
