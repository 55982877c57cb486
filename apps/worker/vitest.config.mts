import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Workers-pool tests: the real worker, GlobalStore Durable Objects and D1 run in workerd.
// D1 gets the same drizzle migrations folder the Durable Objects apply.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "drizzle"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "../../wrangler.jsonc" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ORRERY_ADMIN_TOKEN: "test-admin-token",
            // As `pnpm start` sets it: the development issuer and /api/dev/token are on.
            ORRERY_DEV_AUTH: "on",
          },
        },
      }),
    ],
    resolve: { alias: { cardinal: path.join(import.meta.dirname, "test-support/cardinal-stub.cjs") } },
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      testTimeout: 20_000,
      // Each admin call logs a line (who and what): the Worker's log, not the test report's.
      onConsoleLog: (log: string) => !log.startsWith("orrery admin:"),
    },
  };
});
