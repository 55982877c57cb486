import { defineConfig } from "vitest/config";

// `orrery seed` against real PostgreSQL 15 and MariaDB 10.11, started once for this run by the
// harness (test/seed/global-setup.ts). Kept apart from vitest.config.mts (which excludes
// test/seed/); `npm test` runs both.
export default defineConfig({
  test: {
    name: "seed",
    include: ["test/seed/**/*.test.ts"],
    globalSetup: ["./test/seed/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
