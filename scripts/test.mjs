#!/usr/bin/env node
// README line 2 lands here: make sure the database servers (and Chromium) the tests start are
// installed, then run every package's typecheck, lint and tests through turbo.
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
process.exit(turbo.status ?? 1);
