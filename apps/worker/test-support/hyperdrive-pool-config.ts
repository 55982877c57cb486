import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import type { ViteUserConfig } from "vitest/config";
import { type AgentEngine, registerForTeardown, startDatabaseAgent } from "./database-agent";

const BINDING: Record<AgentEngine, string> = { postgres: "HYPERDRIVE_PG", mysql: "HYPERDRIVE_MYSQL" };

/**
 * Workers-pool tests of the app in the wrangler environment `engine` (`.global()` tables and
 * `ctx.sql` on Postgres or MySQL through Hyperdrive): starts a harness server behind a
 * controllable proxy, and points the binding's local connection string at it.
 */
export async function hyperdrivePoolConfig(engine: AgentEngine): Promise<ViteUserConfig> {
  const root = path.join(import.meta.dirname, "..");
  const agent = registerForTeardown(await startDatabaseAgent(engine));
  // Read by wrangler when the pool loads the `engine` environment (it refuses to start without one).
  process.env[`CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_${BINDING[engine]}`] = agent.proxiedUrl;
  const migrations = await readD1Migrations(path.join(root, "drizzle"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, "../../wrangler.jsonc"), environment: engine },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_AGENT_URL: agent.url,
            ORRERY_ADMIN_TOKEN: "test-admin-token",
          },
        },
      }),
    ],
    resolve: { alias: { cardinal: path.join(import.meta.dirname, "cardinal-stub.cjs") } },
    test: {
      name: engine,
      root,
      include: ["test-hyperdrive/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      globalSetup: ["./test-support/stop-agents.ts"],
      // One database and one proxy for the run: a test that takes the database away must not
      // overlap another file's.
      fileParallelism: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}
