import { defineConfig } from "vitest/config";
import { hyperdrivePoolConfig } from "./test-support/hyperdrive-pool-config";

// Workers-pool tests with `.global()` tables and ctx.sql on MariaDB 10.11 (MySQL) through Hyperdrive
// (wrangler env "mysql"); the config starts the server, its globalSetup teardown stops it.
export default defineConfig(() => hyperdrivePoolConfig("mysql"));
