import { createHyperdrive, type HyperdriveConnection, type HyperdriveLike } from "@orrery/hyperdrive";
import type { WorkerEnv } from "../options";

/**
 * The var that sends a Hyperdrive binding's connections straight to the database in local
 * development: `ORRERY_LOCAL_DATABASE_<BINDING>` = `host:port` (e.g. `127.0.0.1:5432`).
 *
 * wrangler 4's local Hyperdrive emulation proxies each connection through its own Node process
 * and has no error handler on the database side, so a refused connection (the database is
 * stopped) throws there and ends the whole dev server (cloudflare/workers-sdk#11556). workerd
 * can open TCP sockets itself, so with this var set the driver connects directly and a dead
 * database fails only the calls that need it, with `UNAVAILABLE`. `pnpm start` (and
 * `orrery dev`) set it from the binding's local connection string; deployed workers never have it.
 * Only the address travels in it: the credentials and database name stay the binding's.
 */
export const LOCAL_DATABASE_VAR_PREFIX = "ORRERY_LOCAL_DATABASE_";

/** `host:port` or `[v6]:port`. */
function parseAddress(variable: string, value: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${variable} is "${value}": expected host:port, e.g. 127.0.0.1:5432`);
  return { host: match[1], port };
}

/**
 * The connection details of `bindingName`: the Hyperdrive binding's, pointed at
 * `ORRERY_LOCAL_DATABASE_<BINDING>` when that var is set.
 */
export function hyperdriveConnectionOf(env: WorkerEnv, bindingName: string): HyperdriveConnection {
  const binding = createHyperdrive(env[bindingName] as HyperdriveLike | undefined, { bindingName });
  const variable = `${LOCAL_DATABASE_VAR_PREFIX}${bindingName}`;
  const value = env[variable];
  if (value === undefined || value === "") return binding;
  if (typeof value !== "string") throw new Error(`${variable} must be a string "host:port"`);
  const { host, port } = parseAddress(variable, value);
  const url = new URL(binding.connectionString);
  url.hostname = host;
  url.port = String(port);
  return { ...binding, connectionString: url.toString(), host: host.replace(/^\[|\]$/g, ""), port };
}
