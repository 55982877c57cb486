import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";
import { makeProject } from "../generate/fixture-project";
import { ETL_CONFIG, ETL_SCHEMA } from "./fixture-sources";

export { removeProjects } from "../generate/fixture-project";
export { ETL_CONFIG, ETL_SCHEMA } from "./fixture-sources";

const CLI_PACKAGE = fileURLToPath(new URL("../..", import.meta.url));
export const CLI_BIN = path.join(CLI_PACKAGE, "bin", "orrery.js");

/**
 * A project with the schema and `orrery.etl.ts` (or `config`), `@orrery/schema` and
 * `@orrery/cli` installed as links (the config imports `@orrery/cli/etl`), and its
 * `migrations-global/` generated.
 */
export async function makeEtlProject(config = ETL_CONFIG, schema = ETL_SCHEMA): Promise<string> {
  const root = makeProject(schema);
  mkdirSync(path.join(root, "node_modules", "@orrery"), { recursive: true });
  symlinkSync(CLI_PACKAGE, path.join(root, "node_modules", "@orrery", "cli"), "dir");
  writeFileSync(path.join(root, "orrery.etl.ts"), config);
  const generated = await orrery(root, "migrate", "generate");
  expect(generated.code, generated.stderr.join("\n")).toBe(0);
  return root;
}

/** Runs `orrery <args>` in-process in `root`. */
export async function orrery(root: string, ...args: string[]) {
  const io = recordingIo(root);
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Applies the project's migrations to a database (what makes the target tables). */
export async function migrateLatest(root: string, url: string): Promise<void> {
  const run = await orrery(root, "migrate", "latest", "--url", url);
  expect(run.code, run.stderr.join("\n")).toBe(0);
}

/** `orrery etl` as its own process of the built CLI (dist/), its output collected as it comes. */
export function spawnEtl(
  root: string,
  args: readonly string[],
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI_BIN, "etl", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

/** The checksum the verify printed for a table (`✔ post_table → posts: … checksum <16 hex>`). */
export function printedChecksum(lines: readonly string[], table: string): string | undefined {
  const line = lines.find((l) => l.startsWith("✔") && l.includes(`→ ${table}:`));
  return line ? /checksum ([0-9a-f]{16})/.exec(line)?.[1] : undefined;
}
