import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createGlobalSetup, type GlobalSetupProject } from "@orrery/test-harness";

const databases = createGlobalSetup({ postgres: true, mysql: true });

/**
 * Real PostgreSQL and MariaDB for the run, and the built CLI (dist/): the kill test runs
 * `orrery etl` as a process of its own, as a user would.
 */
export default async function setup(project: GlobalSetupProject) {
  execFileSync(process.execPath, ["build.mjs"], { cwd: fileURLToPath(new URL("../..", import.meta.url)) });
  return databases(project);
}
