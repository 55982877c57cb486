import { createOrrery, d1 } from "@orrery/cloudflare";
import { mysql } from "@orrery/cloudflare/mysql";
import { postgres } from "@orrery/cloudflare/postgres";
import migrations from "../../migrations/migrations.js";
import { app } from "./app";
import { timedGlobalStore } from "./bench-store";

/**
 * The bench app hosted three times, as a user would host it: counters in each namespace's
 * Durable Object (with `.global()` tables in D1, unused by the fan-out cases), and the same app
 * with `.global()` tables in Postgres and in MySQL through Hyperdrive, each under its own path.
 */
export const orrery = createOrrery({
  app,
  migrations,
  globalBackend: d1(),
  bindings: { globalStore: "BENCH_STORE" },
  basePath: "/orrery",
});

export const orreryPostgres = createOrrery({
  app,
  migrations,
  globalBackend: postgres({ binding: "HYPERDRIVE_PG" }),
  bindings: { globalStore: "BENCH_STORE_PG" },
  basePath: "/orrery-pg",
});

export const orreryMysql = createOrrery({
  app,
  migrations,
  globalBackend: mysql({ binding: "HYPERDRIVE_MYSQL" }),
  bindings: { globalStore: "BENCH_STORE_MYSQL" },
  basePath: "/orrery-mysql",
});

export const BenchStoreBase = timedGlobalStore(orrery.GlobalStore);
export const PostgresStoreBase = timedGlobalStore(orreryPostgres.GlobalStore);
export const MysqlStoreBase = timedGlobalStore(orreryMysql.GlobalStore);
