#!/usr/bin/env node
// README line 1 lands here: build the page, apply local D1 migrations, then serve page + API
// on one port with `wrangler dev` on the embedded default (DO SQLite + local D1).
// Extra arguments go to wrangler, e.g. `pnpm start --env postgres`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = process.env.PORT ?? "8787";
const wranglerArgs = process.argv.slice(2);
const bin = (name) => `${root}node_modules/.bin/${name}`;

function step(label, command, args) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CI: "true" },
  });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Two starts at once (two terminals, parallel test suites) would both apply the local D1
 * migrations and one would fail on "table already exists": take turns. A lock left by a
 * process that died is taken over.
 */
async function withStartLock(work) {
  const lock = `${root}.wrangler/orrery-start.lock`;
  mkdirSync(`${root}.wrangler`, { recursive: true });
  for (const deadline = Date.now() + 300_000; ; ) {
    try {
      mkdirSync(lock);
      writeFileSync(`${lock}/pid`, String(process.pid));
      break;
    } catch {
      const owner = Number(existsSync(`${lock}/pid`) ? readFileSync(`${lock}/pid`, "utf8") : 0);
      if (owner && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`${lock} is held by process ${owner}; remove it if that is stale`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

await withStartLock(() => {
  step("building the web app", bin("turbo"), [
    "run",
    "build",
    "--filter=@orrery/web",
    "--output-logs=errors-only",
  ]);
  if (existsSync(`${root}apps/worker/drizzle/meta/_journal.json`)) {
    step("applying D1 migrations locally", bin("wrangler"), [
      "d1",
      "migrations",
      "apply",
      "DB",
      "--local",
      ...sharedArgs(wranglerArgs),
    ]);
  }
});

/**
 * The arguments of `wrangler dev` that `wrangler d1 migrations apply` takes too (which
 * environment, config and local state); it refuses dev's own, such as `--inspector-port`.
 */
function sharedArgs(args) {
  const shared = ["--env", "-e", "--config", "-c", "--persist-to", "--env-file"];
  const kept = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (shared.includes(arg)) kept.push(arg, args[++index]);
    else if (shared.some((name) => arg.startsWith(`${name}=`))) kept.push(arg);
  }
  return kept.filter((arg) => arg !== undefined);
}

/** The value of `--name value` / `--name=value` (or a short alias) in wrangler's arguments. */
function optionValue(args, names) {
  for (const [index, arg] of args.entries()) {
    if (names.includes(arg)) return args[index + 1];
    const name = names.find((n) => arg.startsWith(`${n}=`));
    if (name) return arg.slice(name.length + 1);
  }
  return undefined;
}

/**
 * `--var ORRERY_LOCAL_DATABASE_<BINDING>:host:port` for each Hyperdrive binding of the chosen
 * environment that has a local connection string. wrangler 4's local Hyperdrive emulation
 * proxies connections through its own process, which throws ECONNREFUSED and exits when the
 * database is stopped (cloudflare/workers-sdk#11556): the whole dev server, every socket with it.
 * With the var, the worker's driver connects to the database itself (packages/cloudflare,
 * backends/local-database.ts), so a stopped database fails calls with UNAVAILABLE and the
 * server serves again when it is back. Only host and port go in the var (it is printed);
 * the credentials stay in the binding.
 */
async function localDatabaseVars(args) {
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({
    config: optionValue(args, ["--config", "-c"]) ?? `${root}wrangler.jsonc`,
    env: optionValue(args, ["--env", "-e"]),
  });
  const vars = [];
  for (const { binding, localConnectionString } of config.hyperdrive ?? []) {
    const text =
      process.env[`CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_${binding}`] || localConnectionString;
    if (!text || !URL.canParse(text)) continue; // wrangler itself says what is missing
    const url = new URL(text);
    // The direct socket speaks plain TCP: a database that requires TLS stays behind wrangler's proxy.
    const sslmode = url.searchParams.get("sslmode") ?? url.searchParams.get("ssl-mode") ?? "";
    if (/^(require|verify-ca|verify-full|required|verify_ca|verify_identity)$/i.test(sslmode)) continue;
    const port = url.port || (url.protocol.startsWith("mysql") ? "3306" : "5432");
    vars.push("--var", `ORRERY_LOCAL_DATABASE_${binding}:${url.hostname}:${port}`);
  }
  return vars;
}

console.log(`\n▶ starting Orrery on http://localhost:${port}`);
const localVars = await localDatabaseVars(wranglerArgs);
// The example's development sign-in (a local issuer and /api/dev/token): on here, never in a
// deploy, which does not set it (docs/auth.md).
const devAuth = ["--var", "ORRERY_DEV_AUTH:on"];
const dev = spawn(bin("wrangler"), ["dev", "--port", port, ...wranglerArgs, ...localVars, ...devAuth], {
  cwd: root,
  stdio: "inherit",
  detached: true,
});
// Importing wrangler (for its config reader, above) installs a SIGINT handler that exits this
// process at once, before ours could pass the signal on: wrangler and workerd were left running.
process.removeAllListeners("SIGINT");
process.removeAllListeners("SIGTERM");
// wrangler leaves workerd children behind when only it is killed: signal the whole group.
const signalGroup = (signal) => {
  try {
    process.kill(-dev.pid, signal);
  } catch {}
};
process.on("SIGINT", () => signalGroup("SIGINT"));
process.on("SIGTERM", () => signalGroup("SIGTERM"));
// wrangler's launcher can exit before its runtime does: give the group a few seconds to wind
// down, then kill what is left, so nothing outlives this process.
dev.on("exit", async (code, signal) => {
  for (let waited = 0; waited < 5_000 && isAlive(-dev.pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  signalGroup("SIGKILL");
  process.exit(code ?? (signal ? 0 : 1));
});
