// The bindings of test/wrangler.jsonc (runtime types come from @cloudflare/workers-types).
declare namespace Cloudflare {
  interface Env {
    NOTES_STORE: DurableObjectNamespace;
    JOBS_STORE: DurableObjectNamespace;
    JOBS_QUEUE: Queue;
    JOBS_DB: D1Database;
    NOTES_DB: D1Database;
    NOTES_ADMIN?: string;
    NOTES_JWT_SECRET: string;
  }
  interface GlobalProps {
    mainModule: typeof import("./worker");
  }
}
interface Env extends Cloudflare.Env {}

declare module "*/migrations/migrations.js" {
  const migrations: import("../src").DurableSqliteMigrations;
  export default migrations;
}
