import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// D1 applies the same folder the GlobalStore Durable Objects apply with drizzle's migrator.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS, "__drizzle_migrations");
