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

/** The top level of the config, or the environment `env` (refused when it has none such). */
function sectionOf(config: WranglerConfig, env?: string): Record<string, unknown> {
  if (env === undefined) return config.raw;
  const envs = config.raw.env as Record<string, unknown> | undefined;
  const chosen = envs?.[env];
  if (typeof chosen !== "object" || chosen === null)
    throw new UsageError(`${path.basename(config.file)} has no environment "${env}" (under "env")`);
  return chosen as Record<string, unknown>;
}

/**
 * The D1 databases of the top level, or of `env` (wrangler does not inherit `d1_databases`
 * into an environment: one that declares none has none).
 */
export function d1Databases(config: WranglerConfig, env?: string): D1Database[] {
  const list = sectionOf(config, env).d1_databases;
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

/** The var through which `@orrery/cloudflare`'s backends reach a local database directly (its `backends/local-database.ts`). */
const LOCAL_DATABASE_VAR = "ORRERY_LOCAL_DATABASE_";
const TLS_REQUIRED = /^(require|verify-ca|verify-full|required|verify_ca|verify_identity)$/i;

/**
 * `wrangler dev` arguments `--var ORRERY_LOCAL_DATABASE_<BINDING>:host:port`, one for each
 * Hyperdrive binding (of the top level, or of `env`: wrangler does not inherit them) with a
 * local connection string, from `CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_<BINDING>` or
 * `localConnectionString`. wrangler's local Hyperdrive proxy exits, and takes the whole dev
 * server with it, when the database refuses a connection (cloudflare/workers-sdk#11556); with
 * the var the app's driver connects itself, so a stopped database fails calls with UNAVAILABLE
 * and the app serves again once it is back. Only host and port go in the var (wrangler prints
 * vars); the credentials stay in the binding. A database that requires TLS stays behind
 * wrangler's proxy: the direct socket is plain TCP.
 */
export function localDatabaseVars(
  config: WranglerConfig,
  env: string | undefined,
  processEnv: NodeJS.ProcessEnv,
): string[] {
  const list = sectionOf(config, env).hyperdrive;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    if (typeof entry !== "object" || entry === null) return [];
    const { binding, localConnectionString } = entry as Record<string, unknown>;
    if (typeof binding !== "string") return [];
    const text =
      processEnv[`CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_${binding}`] ||
      (typeof localConnectionString === "string" ? localConnectionString : "");
    if (!URL.canParse(text)) return []; // wrangler itself says what is missing
    const url = new URL(text);
    const sslmode = url.searchParams.get("sslmode") ?? url.searchParams.get("ssl-mode") ?? "";
    if (TLS_REQUIRED.test(sslmode)) return [];
    const port = url.port || (url.protocol.startsWith("mysql") ? "3306" : "5432");
    return ["--var", `${LOCAL_DATABASE_VAR}${binding}:${url.hostname}:${port}`];
  });
}
