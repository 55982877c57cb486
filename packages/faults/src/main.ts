import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CHECK_NAMES, type CheckName, runD1Phase, runExternalPhase } from "./phases";
import { writeReliabilityDoc } from "./reliability-doc";
import { Report } from "./report";
import { secondsSince } from "./timing";

const HELP = `Usage: pnpm test:faults [--only <check,…>] [--no-doc]

Runs the fault suite against the app as \`pnpm start\` serves it (wrangler dev, its own process
group), on local D1 and on throwaway Postgres 15 and MariaDB 10.11 servers, prints one table
of figures and writes it into docs/reliability.md.

  --only <checks>  a comma-separated subset of: ${CHECK_NAMES.join(", ")}
  --no-doc         print the table only; leave docs/reliability.md as it is
  --help           this text

Exit codes: 0 every check held, 1 a check failed, 2 bad usage.`;

function parse(): { only: Set<CheckName>; doc: boolean } {
  let values: { only?: string; "no-doc"?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { only: { type: "string" }, "no-doc": { type: "boolean" }, help: { type: "boolean" } },
    }));
  } catch (error) {
    console.error(`faults: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const only = new Set<CheckName>();
  for (const name of (values.only ?? CHECK_NAMES.join(",")).split(",").map((n) => n.trim())) {
    if (!(CHECK_NAMES as readonly string[]).includes(name)) {
      console.error(`faults: --only: unknown check "${name}" (known: ${CHECK_NAMES.join(", ")})`);
      process.exit(2);
    }
    only.add(name as CheckName);
  }
  return { only, doc: !values["no-doc"] && values.only === undefined };
}

const { only, doc } = parse();
// The repository's script (plain JavaScript, shared with `pnpm test`): Postgres 15, MariaDB
// 10.11 and the sqlite3 shell, installed through apt when missing and running as root.
const depsScript = new URL("../../../scripts/ensure-system-deps.mjs", import.meta.url).href;
const { ensureSystemDeps } = (await import(depsScript)) as {
  ensureSystemDeps: (options: { quiet?: boolean }) => Promise<unknown>;
};
await ensureSystemDeps({ quiet: true });

const started = performance.now();
const report = new Report();
const persistRoot = mkdtempSync(join(tmpdir(), "orrery-faults-"));
try {
  await runD1Phase(report, only, join(persistRoot, "d1"));
  for (const engine of ["postgres", "mysql"] as const)
    await runExternalPhase(report, only, engine, join(persistRoot, engine));
} finally {
  rmSync(persistRoot, { recursive: true, force: true });
}
const seconds = secondsSince(started);
const table = report.table();
console.log(`\nFault suite: ${report.figures.length} figures in ${seconds} s\n\n${table}\n`);
if (doc) writeReliabilityDoc(table, seconds);
if (report.failures.length > 0) {
  console.error(`✖ ${report.failures.length} fault check(s) failed:\n  ${report.failures.join("\n  ")}`);
  process.exit(1);
}
console.log("✔ every fault check held");
process.exit(0);
