/** The connection details of a Hyperdrive binding, ready to hand to a driver. */
export interface HyperdriveConnection {
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/**
 * The part of a Cloudflare `Hyperdrive` binding this package reads. Real bindings have no
 * `id`; test doubles and config-derived objects may carry one, and an empty one is warned about.
 */
export interface HyperdriveLike extends HyperdriveConnection {
  readonly id?: string;
}

export interface CreateHyperdriveOptions {
  /** The binding's name in `wrangler.jsonc`, used in error messages. Default `"HYPERDRIVE"`. */
  readonly bindingName?: string;
}

/**
 * Lifts the connection string and its parts off a Hyperdrive binding (`env.HYPERDRIVE`).
 *
 * Throws when the binding is missing, with the `wrangler.jsonc` entry to add. The id itself
 * cannot be made up: only `wrangler hyperdrive create` mints one.
 */
export function createHyperdrive(
  binding: HyperdriveLike | null | undefined,
  options: CreateHyperdriveOptions = {},
): HyperdriveConnection {
  const name = options.bindingName ?? "HYPERDRIVE";
  if (binding === undefined || binding === null) throw new Error(missingBindingMessage(name));
  if (binding.id !== undefined && binding.id.trim() === "") {
    console.warn(
      `Hyperdrive binding "${name}" has an empty id: that placeholder works locally through ` +
        `localConnectionString but cannot connect when deployed. Put the id printed by ` +
        "`wrangler hyperdrive create` into wrangler.jsonc.",
    );
  }
  const { connectionString, host, port, user, password, database } = binding;
  return { connectionString, host, port, user, password, database };
}

function missingBindingMessage(name: string): string {
  const entry = `"hyperdrive": [{ "binding": "${name}", "id": "<id from wrangler hyperdrive create>", "localConnectionString": "postgres://user:password@localhost:5432/db" }]`;
  return [
    `Hyperdrive binding "${name}" is missing from env. Add it to wrangler.jsonc:`,
    "",
    `  ${entry}`,
    "",
    'Create the config (it prints the id) with: wrangler hyperdrive create <config-name> --connection-string="postgres://user:password@host:5432/db"',
    `For local dev, localConnectionString (or the env var CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_${name}) points straight at your database.`,
  ].join("\n");
}
