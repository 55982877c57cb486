import { defineConfig } from "vitest/config";

export default defineConfig({
  // test/e2e/ runs in the same `vitest run`: it builds and packs the packages, installs a new
  // project from the tarballs and runs `orrery dev` (a minute or two, with its own timeouts).
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 30_000 },
});
