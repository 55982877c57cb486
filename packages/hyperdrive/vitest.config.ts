import { defineConfig } from "vitest/config";

// Node tests against real PostgreSQL 15 and MariaDB 10.11, started once per run by the harness.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
