import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { standInIssuer } from "./test/auth/stand-in-issuer";

// A user's worker (test/worker.ts) in workerd: the GlobalStore class, D1 and the routes, real.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./test/wrangler.jsonc" },
      miniflare: {
        bindings: { NOTES_ADMIN: "notes-admin-token", NOTES_JWT_SECRET: "notes-hs256-development-secret" },
        // The worker's outbound fetches (a JWKS) reach a stand-in identity provider.
        outboundService: standInIssuer(),
      },
    }),
  ],
  // The first request loads the worker's modules, slow while turbo runs other suites beside it.
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Each admin call logs a line (who and what); the tests that check it spy on it.
    onConsoleLog: (log) => !log.startsWith("orrery admin:"),
  },
});
