import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./command";

/** Where a project keeps what `orrery` reads and writes. */
export interface ProjectConfig {
  /** The project's root (the folder holding `orrery.config.json` or `package.json`). */
  readonly root: string;
  /** The folder of the app's functions (queries, mutations, actions). */
  readonly functions: string;
  /** The module that exports the `defineSchema(...)` result. */
  readonly schema: string;
  /** The drizzle migrations folder shared by the Durable Objects and D1. */
  readonly migrations: string;
  /** The `orrery migrate` folder for `.global()` tables on Postgres/MySQL (one subfolder per engine). */
  readonly globalMigrations: string;
  /** The wrangler config `orrery dev` starts. */
  readonly wranglerConfig: string;
}

export const CONFIG_FILE = "orrery.config.json";

const DEFAULTS = {
  functions: "orrery",
  migrations: "migrations",
  globalMigrations: "migrations-global",
  wranglerConfig: "wrangler.jsonc",
};

/**
 * Reads `orrery.config.json` in `cwd` when there is one; every path in it is relative to it.
 * Without one, the layout `orrery init` makes: `orrery/` for functions, `orrery/schema.ts`,
 * `migrations/`, `migrations-global/`, `wrangler.jsonc`.
 */
export function loadConfig(cwd: string): ProjectConfig {
  const file = path.join(cwd, CONFIG_FILE);
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${CONFIG_FILE}: not valid JSON (${(error as Error).message})`);
    }
    for (const [key, value] of Object.entries(raw)) {
      if (!["functions", "schema", "migrations", "globalMigrations", "wranglerConfig"].includes(key))
        throw new UsageError(
          `${CONFIG_FILE}: unknown key "${key}" (expected functions, schema, migrations, globalMigrations, wranglerConfig)`,
        );
      if (typeof value !== "string") throw new UsageError(`${CONFIG_FILE}: "${key}" must be a path string`);
    }
  }
  const pick = (key: keyof typeof DEFAULTS) =>
    path.resolve(cwd, (raw[key] as string | undefined) ?? DEFAULTS[key]);
  const functions = pick("functions");
  return {
    root: cwd,
    functions,
    schema: path.resolve(
      cwd,
      (raw.schema as string | undefined) ?? path.join(path.relative(cwd, functions), "schema.ts"),
    ),
    migrations: pick("migrations"),
    globalMigrations: pick("globalMigrations"),
    wranglerConfig: pick("wranglerConfig"),
  };
}
