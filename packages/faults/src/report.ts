/** One measured figure of a check; `expected` and `ok` when the check asserts on it. */
export interface Figure {
  readonly check: string;
  readonly name: string;
  readonly value: string;
  readonly expected: string;
  readonly ok: boolean | null;
}

/**
 * Every figure of the run, and every failed assertion: a check records what it measured with
 * `figure` (informational) or `expect` (asserted: a miss fails the run, exit code 1).
 */
export class Report {
  readonly figures: Figure[] = [];
  readonly failures: string[] = [];

  figure(check: string, name: string, value: string | number): void {
    this.figures.push({ check, name, value: String(value), expected: "", ok: null });
  }

  /** Records `value` and whether it met `expected` (its description); a miss is a failure. */
  expect(check: string, name: string, value: string | number, expected: string, ok: boolean): void {
    this.figures.push({ check, name, value: String(value), expected, ok });
    if (!ok) this.failures.push(`${check}: ${name} was ${value}, expected ${expected}`);
  }

  /** A failure that is no figure (a step that threw). */
  fail(check: string, message: string): void {
    this.failures.push(`${check}: ${message}`);
    this.figures.push({
      check,
      name: "failed",
      value: message.split("\n")[0]!.slice(0, 160),
      expected: "",
      ok: false,
    });
  }

  /** The figures as one markdown table (the printed table and the one in docs/reliability.md). */
  table(): string {
    const rows = this.figures.map((f) => [
      f.check,
      f.name,
      f.value,
      f.expected,
      f.ok === null ? "" : f.ok ? "ok" : "FAIL",
    ]);
    const header = ["check", "figure", "value", "expected", ""];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
  }
}
