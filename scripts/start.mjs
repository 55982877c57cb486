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
      ...wranglerArgs,
    ]);
  }
});

console.log(`\n▶ starting Orrery on http://localhost:${port}`);
const dev = spawn(bin("wrangler"), ["dev", "--port", port, ...wranglerArgs], {
  cwd: root,
  stdio: "inherit",
  detached: true,
});
// wrangler leaves workerd children behind when only it is killed: signal the whole group.
const stop = (signal) => {
  try {
    process.kill(-dev.pid, signal);
  } catch {}
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
