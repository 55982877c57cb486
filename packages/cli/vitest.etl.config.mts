import { defineConfig } from "vitest/config";

// `orrery etl` against real PostgreSQL 15 and MariaDB 10.11, started once for this run by the
// harness (test/etl/global-setup.ts, which also builds dist/ for the test that kills a run).
// Kept apart from vitest.config.mts (which excludes test/etl/); `npm test` runs it too.
export default defineConfig({
  test: {
    name: "etl",
    include: ["test/etl/**/*.test.ts"],
    globalSetup: ["./test/etl/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
