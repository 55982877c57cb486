import { defineConfig } from "vitest/config";

// The harness's smoke test: one wrangler dev, a tiny fan-out of the floor and Orrery. The full
// benchmark is `pnpm bench`, never part of the tests.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
