import { describe, expect, it } from "vitest";
import { barProgress, lineProgress, renderBar } from "./progress";

const clock = (...times: number[]) => {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)]!;
};

describe("progress", () => {
  it("prints a line per chunk with rows, rows/s and ETA when not on a terminal", () => {
    const lines: string[] = [];
    const table = lineProgress((line) => lines.push(line), clock(0, 1000, 2000, 2000))("posts", 4000);
    table.advance(1000);
    table.advance(1000);
    expect(table.done()).toBe(1000);
    expect(lines).toEqual([
      "posts: 1000/4000 rows (25%), 1,000 rows/s, ETA 3s",
      "posts: 2000/4000 rows (50%), 1,000 rows/s, ETA 2s",
    ]);
  });

  it("draws a bar in place on a terminal, and ends it with a newline", () => {
    let screen = "";
    const table = barProgress((text) => (screen += text), clock(0, 0, 500, 500, 500, 500))("users", 1000);
    table.advance(500);
    table.done();
    const frames = screen.split("\r\x1b[2K").filter(Boolean);
    expect(frames[0]).toBe(renderBar("users", 0, 1000, 0));
    expect(frames.at(-1)).toBe(`${renderBar("users", 500, 1000, 500)}\n`);
    expect(renderBar("users", 500, 1000, 500)).toBe(
      "users  [████████████░░░░░░░░░░░░] 50% 500/1,000  1,000 rows/s  ETA 1s",
    );
    expect(renderBar("users", 1000, 1000, 61_000)).toContain("done in 1m01s");
  });
});
