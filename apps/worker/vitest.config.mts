import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Workers-pool tests: the real worker, GlobalStore Durable Objects and D1 run in workerd.
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "../../wrangler.jsonc" } })],
  test: { include: ["test/**/*.test.ts"], testTimeout: 20_000 },
});
