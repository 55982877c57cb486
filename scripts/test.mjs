#!/usr/bin/env node
// README line 2 lands here: make sure the database servers (and Chromium) the tests start are
// installed, run every package's typecheck, lint and tests through turbo, then the fault suite.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureSystemDeps } from "./ensure-system-deps.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
await ensureSystemDeps({ chromium: true });

const turbo = spawnSync(
  `${root}node_modules/.bin/turbo`,
  [
    "run",
    "typecheck",
    "lint",
    "test",
    // Report every failing package, not just the first.
    "--continue",
    "--output-logs=new-only",
    "--log-order=grouped",
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" } },
);

// Then the fault suite (packages/faults), on its own: its figures (throughput, recovery
// times, memory) would mean little measured on a machine busy with the suites above. A run
// narrowed with turbo arguments (`pnpm test --filter …`) leaves it out.
if (process.argv.length > 2) {
  console.log("\nfault suite not run (turbo arguments given): run it with `pnpm test:faults`");
  process.exit(turbo.status ?? 1);
}
console.log("\n▶ fault suite (pnpm test:faults)");
const faults = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
  cwd: `${root}packages/faults`,
  stdio: "inherit",
  env: { ...process.env, CI: "true" },
});
process.exit((turbo.status ?? 1) || (faults.status ?? 1));
