import { readFileSync, writeFileSync } from "node:fs";

export const RESULTS_START = "<!-- bench:results:start -->";
export const RESULTS_END = "<!-- bench:results:end -->";

/**
 * Replaces what lies between the results markers of `file` with `markdown`, leaving the prose
 * around them (the method) as written.
 */
export function writeResults(file: string, markdown: string): void {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(RESULTS_START);
  const end = text.indexOf(RESULTS_END);
  if (start < 0 || end < start)
    throw new Error(`${file} has no "${RESULTS_START}" … "${RESULTS_END}" block to put the results in`);
  writeFileSync(file, `${text.slice(0, start + RESULTS_START.length)}\n\n${markdown}\n${text.slice(end)}`);
}
