import { describe, expect, it } from "vitest";
import { main } from "./main";
import { recordingIo } from "./testing";

describe("orrery", () => {
  it("lists its commands with --help and exits 0", async () => {
    const io = recordingIo(process.cwd());
    expect(await main(["--help"], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/Usage: orrery <command>/);
  });

  it("names an unknown command in one line and exits 2", async () => {
    const io = recordingIo(process.cwd());
    expect(await main(["deploy-everything"], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown command "deploy-everything"/);
  });
});
