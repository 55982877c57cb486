// The bindings of wrangler.jsonc (runtime types come from @cloudflare/workers-types).
declare namespace Cloudflare {
  interface Env {
    FLOOR: DurableObjectNamespace;
    RAW_RELAY: DurableObjectNamespace;
    RAW_COMMIT: DurableObjectNamespace;
    TINYBASE: DurableObjectNamespace;
    CounterAgent: DurableObjectNamespace;
    RAW_PG: DurableObjectNamespace;
    RAW_MYSQL: DurableObjectNamespace;
    BENCH_STORE: DurableObjectNamespace;
    BENCH_STORE_PG: DurableObjectNamespace;
    BENCH_STORE_MYSQL: DurableObjectNamespace;
    DB: D1Database;
    HYPERDRIVE_PG: Hyperdrive;
    HYPERDRIVE_MYSQL: Hyperdrive;
  }
}
interface Env extends Cloudflare.Env {}

declare module "*/migrations/migrations.js" {
  const migrations: import("@orrery/cloudflare").DurableSqliteMigrations;
  export default migrations;
}
