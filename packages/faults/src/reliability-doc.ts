import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DOC = fileURLToPath(new URL("../../../docs/reliability.md", import.meta.url));
const START = "<!-- faults:results:start -->";
const END = "<!-- faults:results:end -->";

/**
 * Puts the run's table into docs/reliability.md between its markers; the rest of the page
 * (what each fault is, the method) is written by hand and left as it is.
 */
export function writeReliabilityDoc(table: string, seconds: number): void {
  const text = readFileSync(DOC, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC}: no ${START} … ${END} markers`);
  const when = new Date().toISOString().slice(0, 10);
  const body = `\n\nLast full run: ${when}, ${Math.round(seconds)} s, \`pnpm test:faults\`.\n\n${table}\n\n`;
  writeFileSync(DOC, text.slice(0, start + START.length) + body + text.slice(end));
  console.log(`wrote the table into ${DOC}`);
}
