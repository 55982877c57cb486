import { defineConfig } from "vitest/config";

// End-to-end tests in Node against the app started as README line 1 starts it.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
