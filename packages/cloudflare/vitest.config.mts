import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// A user's worker (test/worker.ts) in workerd: the GlobalStore class, D1 and the routes, real.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./test/wrangler.jsonc" },
      miniflare: { bindings: { NOTES_ADMIN: "notes-admin-token" } },
    }),
  ],
  // The first request loads the worker's modules, slow while turbo runs other suites beside it.
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000 },
});
