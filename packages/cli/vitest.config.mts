import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "cli",
          // test/e2e/ runs in the same `vitest run`: it builds and packs the packages, installs a
          // new project from the tarballs and runs `orrery dev` (a minute or two, with its own timeouts).
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/migrate/**", "test/seed/**", "test/etl/**"],
        },
      },
      {
        extends: true,
        test: {
          // `orrery migrate` against real PostgreSQL 15 and MariaDB 10.11, which the harness starts
          // once for this project only (the other tests need no database).
          name: "migrate",
          include: ["test/migrate/**/*.test.ts"],
          globalSetup: ["./test/migrate/global-setup.ts"],
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
