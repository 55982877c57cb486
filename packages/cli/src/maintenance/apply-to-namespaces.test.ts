import { describe, expect, it } from "vitest";
import { UsageError } from "../command";
import { recordingIo } from "../testing";
import { applyToNamespaces } from "./apply-to-namespaces";
import type { MaintenanceState } from "./maintenance-route";

const since = Date.UTC(2026, 4, 1, 12, 0, 0);
const on: MaintenanceState = { on: true, message: "Moving to Postgres", since };

/** Answers for "a" and "b"; "c" is refused, as a worker that cannot reach that object would. */
const call = async (namespace: string): Promise<MaintenanceState> => {
  if (namespace === "c") throw new UsageError("the worker refused (500 INTERNAL: no such object)", 1);
  return on;
};

describe("applyToNamespaces", () => {
  it("reports each namespace on its own line", async () => {
    const io = recordingIo("/");
    expect(await applyToNamespaces("on", ["a", "b"], call, io)).toBe(0);
    expect(io.stdout).toEqual([
      '"a": on since 2026-05-01T12:00:00.000Z: Moving to Postgres (mutations and actions answer 503 MAINTENANCE)',
      '"b": on since 2026-05-01T12:00:00.000Z: Moving to Postgres (mutations and actions answer 503 MAINTENANCE)',
    ]);
    const off = recordingIo("/");
    await applyToNamespaces("off", ["a"], async () => ({ on: false }), off);
    expect(off.stdout).toEqual(['"a": off (writes accepted again)']);
  });

  it("stops at the first refusal and names the namespaces it already switched", async () => {
    const io = recordingIo("/");
    await expect(applyToNamespaces("on", ["a", "b", "c", "d"], call, io)).rejects.toMatchObject({
      message: '"c": the worker refused (500 INTERNAL: no such object); already on: "a", "b"',
      exitCode: 1,
    });
    expect(io.stdout).toHaveLength(2);
    // The first one failing has nothing to add.
    await expect(applyToNamespaces("off", ["c"], call, recordingIo("/"))).rejects.toMatchObject({
      message: "the worker refused (500 INTERNAL: no such object)",
    });
  });
});
