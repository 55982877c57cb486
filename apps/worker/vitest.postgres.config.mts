import { defineConfig } from "vitest/config";
import { hyperdrivePoolConfig } from "./test-support/hyperdrive-pool-config";

// Workers-pool tests with `.global()` tables and ctx.sql on Postgres 15 through Hyperdrive
// (wrangler env "postgres"); the config starts the server, its globalSetup teardown stops it.
export default defineConfig(() => hyperdrivePoolConfig("postgres"));
