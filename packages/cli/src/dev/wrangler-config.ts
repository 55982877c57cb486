import { readFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../command";
import { parseJsonc } from "./jsonc";

/** What `orrery dev` reads from the wrangler config. */
export interface WranglerConfig {
  readonly file: string;
  readonly raw: Record<string, unknown>;
}

/** A D1 database of the wrangler config, as `wrangler d1 migrations apply` names it. */
export interface D1Database {
  readonly binding: string;
  /** Absolute; wrangler's default is `migrations/` beside the config. */
  readonly migrationsDir: string;
}

const WRANGLER_DEFAULT_MIGRATIONS_DIR = "migrations";

/** Reads a wrangler.jsonc / wrangler.json (comments and trailing commas allowed). */
export function readWranglerConfig(file: string, show: (file: string) => string): WranglerConfig {
  if (file.endsWith(".toml"))
    throw new UsageError(
      `${show(file)}: orrery dev reads wrangler.jsonc or wrangler.json, not TOML (set "wranglerConfig" in orrery.config.json)`,
    );
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`${show(file)} not found (set "wranglerConfig" in orrery.config.json)`);
  }
  let raw: unknown;
  try {
    raw = parseJsonc(text);
  } catch (error) {
    throw new UsageError(`${show(file)}: not valid JSONC (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new UsageError(`${show(file)}: expected an object`);
  return { file, raw: raw as Record<string, unknown> };
}

/**
 * The D1 databases of the top level, or of `env` (wrangler does not inherit `d1_databases`
 * into an environment: one that declares none has none).
 */
export function d1Databases(config: WranglerConfig, env?: string): D1Database[] {
  let section = config.raw;
  if (env !== undefined) {
    const envs = config.raw.env as Record<string, unknown> | undefined;
    const chosen = envs?.[env];
    if (typeof chosen !== "object" || chosen === null)
      throw new UsageError(`${path.basename(config.file)} has no environment "${env}" (under "env")`);
    section = chosen as Record<string, unknown>;
  }
  const list = section.d1_databases;
  if (!Array.isArray(list)) return [];
  const base = path.dirname(config.file);
  return list.flatMap((entry) => {
    if (typeof entry !== "object" || entry === null) return [];
    const { binding, migrations_dir } = entry as Record<string, unknown>;
    if (typeof binding !== "string") return [];
    const dir = typeof migrations_dir === "string" ? migrations_dir : WRANGLER_DEFAULT_MIGRATIONS_DIR;
    return [{ binding, migrationsDir: path.resolve(base, dir) }];
  });
}

/** The D1 database whose `migrations_dir` is the project's migrations folder, if any. */
export function d1ForMigrations(config: WranglerConfig, migrationsDir: string, env?: string) {
  const target = path.resolve(migrationsDir);
  return d1Databases(config, env).find((db) => db.migrationsDir === target);
}

/** `dev.port` of the wrangler config, when it sets one. */
export function configuredPort(config: WranglerConfig): number | undefined {
  const dev = config.raw.dev as Record<string, unknown> | undefined;
  return typeof dev?.port === "number" ? dev.port : undefined;
}
