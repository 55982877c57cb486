import { type Command, defineCommand, UsageError } from "../command";
import { type Action, applyToNamespaces } from "../maintenance/apply-to-namespaces";
import { maintenanceRoute } from "../maintenance/maintenance-route";
import { adminToken } from "../worker-admin";

const MAX_NAMESPACE = 255;
const MAX_MESSAGE = 1000;

const TARGET_HELP = `  --worker <url>       the worker: the URL Orrery's routes are under (e.g. orrery dev's
                       http://localhost:8787/api; a bare origin gets /api). Required.
  --namespace <ns>     the namespace (required; repeat it for several)
  --token <token>      the worker's admin token (default $ORRERY_ADMIN_TOKEN)
  -h, --help           show this help`;

const WHY_NAMESPACE = `Each namespace is its own Durable Object with its own flag, and a worker cannot list
its Durable Objects, so there is no "all namespaces": name every namespace that takes writes
(for a cutover of .global() tables, every namespace your app uses).`;

const EXIT_CODES = "Exit codes: 0 done, 1 the worker refused or could not be reached, 2 bad usage.";

const HELPS: Record<Action, { summary: string; help: string }> = {
  on: {
    summary: "Pause a namespace's writes: mutations and actions answer 503 MAINTENANCE",
    help: `Usage: orrery maintenance on --worker <url> --namespace <ns> [--message <text>] [--token <token>]

Turns maintenance mode on: from now on the namespace's mutations and actions (HTTP, WebSocket,
an action's own runMutation) are refused with MAINTENANCE (HTTP 503 with Retry-After), and
write nothing; queries and live queries keep working, and so do "orrery seed --worker" and
admin migrate. It answers once every write admitted before it has landed, so nothing of the
namespace changes after it returns but what you write yourself. Connected Orrery clients show
the message and keep their mutations queued until maintenance ends. The flag is kept in the
namespace's Durable Object: it survives restarts and deploys.

${WHY_NAMESPACE}

Options:
  --message <text>     what callers are told (and the web app's banner shows), up to
                       ${MAX_MESSAGE} characters (default: a generic "in maintenance" sentence)
${TARGET_HELP}

${EXIT_CODES}`,
  },
  off: {
    summary: "Accept writes again; connected clients send what they queued",
    help: `Usage: orrery maintenance off --worker <url> --namespace <ns> [--token <token>]

Turns maintenance mode off: writes are accepted again, and every connected client is told,
so the mutations its user made meanwhile are sent (each runs once).

${WHY_NAMESPACE}

Options:
${TARGET_HELP}

${EXIT_CODES}`,
  },
  status: {
    summary: "Show whether each namespace is in maintenance, since when, with what message",
    help: `Usage: orrery maintenance status --worker <url> --namespace <ns> [--token <token>]

Prints, for each namespace, "on since <time>: <message>" or "off". Changes nothing.

${WHY_NAMESPACE}

Options:
${TARGET_HELP}

${EXIT_CODES}`,
  },
};

function namespacesOf(values: Record<string, unknown>): string[] {
  const given = (values.namespace as string[] | undefined) ?? [];
  if (given.length === 0)
    throw new UsageError(
      "--namespace is required: a worker cannot list its namespaces, so name each one (repeat --namespace)",
    );
  for (const namespace of given) {
    if (namespace === "") throw new UsageError("--namespace must not be empty");
    if (namespace.length > MAX_NAMESPACE)
      throw new UsageError(`--namespace is longer than ${MAX_NAMESPACE} characters`);
  }
  return [...new Set(given)];
}

function subcommand(action: Action): Command {
  return defineCommand({
    name: action,
    summary: HELPS[action].summary,
    help: HELPS[action].help,
    options: {
      worker: { type: "string" },
      namespace: { type: "string", multiple: true },
      token: { type: "string" },
      ...(action === "on" ? { message: { type: "string" } } : {}),
    },
    async run({ values, io }) {
      const worker = values.worker as string | undefined;
      if (worker === undefined || worker === "")
        throw new UsageError(
          "--worker is required: the URL Orrery's routes are under, e.g. http://localhost:8787/api",
        );
      const namespaces = namespacesOf(values);
      const message = values.message as string | undefined;
      if (message !== undefined && (message.trim() === "" || message.length > MAX_MESSAGE))
        throw new UsageError(`--message must be 1 to ${MAX_MESSAGE} characters`);
      const token = adminToken(values.token);
      const change =
        action === "status"
          ? undefined
          : { on: action === "on", ...(message === undefined ? {} : { message }) };
      return applyToNamespaces(
        action,
        namespaces,
        (namespace) => maintenanceRoute(worker, namespace, token, change),
        io,
      );
    },
  });
}

const SUBCOMMANDS: readonly Command[] = (["on", "off", "status"] as const).map(subcommand);
const width = Math.max(...SUBCOMMANDS.map((c) => c.name.length));

export const maintenanceCommand = defineCommand({
  name: "maintenance",
  summary: "Pause a namespace's writes for a cutover (on, off, status)",
  help: `Usage: orrery maintenance <on|off|status> --worker <url> --namespace <ns> [options]

Maintenance mode of namespaces, through the worker's admin route
(GET/POST <worker>/<ns>/admin/maintenance, behind the admin token).

Subcommands:
${SUBCOMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run "orrery maintenance <subcommand> --help" for its options.`,
  options: {},
  positionals: true,
  subcommands: SUBCOMMANDS,
  async run({ positionals }) {
    const names = SUBCOMMANDS.map((c) => c.name).join(", ");
    if (positionals.length === 0) throw new UsageError(`expected a subcommand: ${names}`);
    throw new UsageError(`unknown subcommand "${positionals[0]}" (expected one of: ${names})`);
  },
});
