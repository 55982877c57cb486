#!/usr/bin/env node
// Ensures the system (Debian) binaries the test suites need are installed:
//   - PostgreSQL 15 server  (apt package `postgresql`, binaries in /usr/lib/postgresql/15/bin)
//   - MariaDB 10.11 server  (apt package `mariadb-server`: mariadbd, mariadb-install-db)
//   - Chromium, with --chromium (apt package `chromium`)
//
// Usage:  node scripts/ensure-system-deps.mjs [--chromium] [--quiet]
//   or:   import { ensureSystemDeps } from "./scripts/ensure-system-deps.mjs";
//         await ensureSystemDeps({ chromium: true });
//
// Fast (only `fs.existsSync` checks) and idempotent when everything is present. When something is
// missing and we run as root, it runs `apt-get update` + `apt-get install`, with a temporary
// /usr/sbin/policy-rc.d (exit 101) so the packages' maintainer scripts do not start system-wide
// postgres/mariadb services. When not root, it exits 1 naming the apt packages to install.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const POLICY_RC_D = "/usr/sbin/policy-rc.d";
const POLICY_RC_D_BODY =
  "#!/bin/sh\n# written by orrery scripts/ensure-system-deps.mjs during apt-get install\nexit 101\n";

/** Directories searched for binaries that are not at a fixed Debian path. */
function searchDirs() {
  const fromPath = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  return [
    ...new Set([...fromPath, "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]),
  ];
}

function findBinary(names, extraDirs = []) {
  for (const dir of [...extraDirs, ...searchDirs()]) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export const PG_BIN_DIR = "/usr/lib/postgresql/15/bin";

/**
 * The requirements, each a list of alternative binary name groups that must all be found.
 * @type {{ name: string, aptPackage: string, binaries: { names: string[], dirs?: string[], pathSearch?: boolean }[] }[]}
 */
const REQUIREMENTS = [
  {
    name: "PostgreSQL 15 server",
    aptPackage: "postgresql",
    binaries: [
      { names: ["initdb"], dirs: [PG_BIN_DIR], pathSearch: false },
      { names: ["postgres"], dirs: [PG_BIN_DIR], pathSearch: false },
      { names: ["pg_ctl"], dirs: [PG_BIN_DIR], pathSearch: false },
    ],
  },
  {
    name: "MariaDB server",
    aptPackage: "mariadb-server",
    binaries: [{ names: ["mariadbd", "mysqld"] }, { names: ["mariadb-install-db", "mysql_install_db"] }],
  },
];

const CHROMIUM = {
  name: "Chromium",
  aptPackage: "chromium",
  binaries: [{ names: ["chromium"] }],
};

function isPresent(requirement) {
  return requirement.binaries.every((b) => {
    if (b.pathSearch === false)
      return (b.dirs ?? []).some((d) => b.names.some((n) => existsSync(join(d, n))));
    return findBinary(b.names, b.dirs ?? []) !== undefined;
  });
}

function run(cmd, args, env) {
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (res.error) throw new Error(`${cmd} ${args.join(" ")} failed to start: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with ${res.status ?? `signal ${res.signal}`}`);
  }
}

/** Installs apt packages with a policy-rc.d in place so no service gets started. */
function aptInstall(packages, log) {
  const hadPolicy = existsSync(POLICY_RC_D);
  const previous = hadPolicy ? readFileSync(POLICY_RC_D, "utf8") : undefined;
  const ourPolicy = !hadPolicy || !/exit\s+101/.test(previous ?? "");
  if (ourPolicy) {
    writeFileSync(POLICY_RC_D, POLICY_RC_D_BODY);
    chmodSync(POLICY_RC_D, 0o755);
  }
  try {
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    log(`[ensure-system-deps] apt-get update`);
    run("apt-get", ["update"], env);
    log(`[ensure-system-deps] apt-get install -y --no-install-recommends ${packages.join(" ")}`);
    run(
      "apt-get",
      [
        "install",
        "-y",
        "--no-install-recommends",
        "-o",
        "Dpkg::Options::=--force-confdef",
        "-o",
        "Dpkg::Options::=--force-confold",
        ...packages,
      ],
      env,
    );
  } finally {
    if (ourPolicy) {
      if (hadPolicy && previous !== undefined) {
        writeFileSync(POLICY_RC_D, previous);
      } else {
        rmSync(POLICY_RC_D, { force: true });
      }
    }
  }
}

/**
 * Ensures the server binaries are installed (installing them with apt when root).
 * Throws when something is missing and cannot be installed.
 * @param {{ chromium?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<{ installed: string[] }>} the apt packages that were installed by this call
 */
export async function ensureSystemDeps(options = {}) {
  const { chromium = false, quiet = false } = options;
  const log = quiet ? () => {} : (msg) => console.error(msg);
  const wanted = chromium ? [...REQUIREMENTS, CHROMIUM] : REQUIREMENTS;
  const missing = wanted.filter((r) => !isPresent(r));
  if (missing.length === 0) return { installed: [] };

  const packages = missing.map((r) => r.aptPackage);
  const what = missing.map((r) => `${r.name} (apt package \`${r.aptPackage}\`)`).join(", ");
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `Missing system dependencies: ${what}.\n` +
        `Install them with:\n  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive ` +
        `apt-get install -y --no-install-recommends ${packages.join(" ")}`,
    );
  }
  log(`[ensure-system-deps] missing: ${what}; installing as root`);
  aptInstall(packages, log);
  const stillMissing = missing.filter((r) => !isPresent(r));
  if (stillMissing.length > 0) {
    throw new Error(
      `apt-get install finished but these are still missing: ${stillMissing.map((r) => r.name).join(", ")}`,
    );
  }
  log(`[ensure-system-deps] installed: ${packages.join(" ")}`);
  return { installed: packages };
}

const isMain = (() => {
  const argv1 = process.argv[1];
  if (argv1 === undefined) return false;
  try {
    return realpathSync(fileURLToPath(import.meta.url)) === realpathSync(argv1);
  } catch {
    return false;
  }
})();
if (isMain) {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.error("usage: node scripts/ensure-system-deps.mjs [--chromium] [--quiet]");
    process.exit(0);
  }
  const unknown = args.filter((a) => a !== "--chromium" && a !== "--quiet");
  if (unknown.length > 0) {
    console.error(`unknown argument(s): ${unknown.join(" ")}`);
    console.error("usage: node scripts/ensure-system-deps.mjs [--chromium] [--quiet]");
    process.exit(2);
  }
  ensureSystemDeps({ chromium: args.includes("--chromium"), quiet: args.includes("--quiet") }).then(
    () => process.exit(0),
    (err) => {
      console.error(`[ensure-system-deps] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
