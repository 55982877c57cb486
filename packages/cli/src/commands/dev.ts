import path from "node:path";
import { defineCommand, UsageError } from "../command";
import { loadConfig } from "../config";
import { runDev } from "../dev/run-dev";
import { configuredPort, readWranglerConfig } from "../dev/wrangler-config";

const DEFAULT_PORT = 8787;

const HELP = `Usage: orrery dev [--port <n>] [--env <name>] [-- <wrangler dev arguments>]

Runs the app locally:
  1. writes the next migration when the schema changed (as "orrery generate" does),
  2. applies the migrations to the local D1 database whose migrations_dir is the migrations
     folder ("wrangler d1 migrations apply <binding> --local"),
  3. starts "wrangler dev" (the project's own wrangler) in its own process group, with
     --var ORRERY_LOCAL_DATABASE_<BINDING>:host:port for each Hyperdrive binding that has a
     local connection string, so a stopped local database fails calls instead of ending it.
While it runs, a change to the schema (or to the functions folder) writes the next migration
and applies it to local D1; wrangler reloads the worker, whose Durable Objects apply it too.
Ctrl-C stops wrangler and everything it started. When wrangler exits, so does orrery dev,
with its exit code.

The functions folder, schema, migrations folder and wrangler config are those of
orrery.config.json (defaults: orrery/, orrery/schema.ts, migrations/, wrangler.jsonc).

Options:
  --port <n>    the port wrangler dev serves on (default: dev.port in the wrangler config,
                else ${DEFAULT_PORT})
  --env <name>  the wrangler environment, for the D1 migrations and wrangler dev
  -- <args>     everything after "--" goes to wrangler dev (e.g. -- --ip 0.0.0.0)
  -h, --help    show this help

Exit codes: wrangler's, 0 after Ctrl-C, 1 a step failed, 2 bad usage.`;

export const devCommand = defineCommand({
  name: "dev",
  summary: "Generate and apply migrations, then run wrangler dev (regenerating on schema changes)",
  help: HELP,
  // Arguments after "--" are wrangler's.
  positionals: true,
  options: {
    port: { type: "string" },
    env: { type: "string" },
  },
  async run({ values, positionals, io }) {
    const port = typeof values.port === "string" ? parsePort(values.port) : undefined;
    const env = typeof values.env === "string" ? values.env : undefined;
    if (env === "") throw new UsageError("--env needs a name");
    const config = loadConfig(io.cwd);
    const show = (file: string) => path.relative(io.cwd, file) || ".";
    return runDev(
      config,
      {
        port: port ?? configuredPort(readWranglerConfig(config.wranglerConfig, show)) ?? DEFAULT_PORT,
        ...(env !== undefined ? { env } : {}),
        wranglerArgs: positionals,
      },
      io,
    );
  },
});

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535)
    throw new UsageError(`--port must be a number from 1 to 65535, got "${text}"`);
  return port;
}
