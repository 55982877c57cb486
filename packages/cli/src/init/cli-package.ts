import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of the @orrery/cli package this code runs from: `dist/orrery.js` when bundled,
 * `src/init/*.ts` in tests. Found by walking up to the package.json named @orrery/cli.
 */
export function cliPackageDir(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && readManifest(manifest).name === "@orrery/cli") return dir;
    if (path.dirname(dir) === dir) throw new Error(`@orrery/cli's package.json not found above ${from}`);
  }
}

/** The version of @orrery/cli, which the project's @orrery/* dependencies follow. */
export function cliVersion(): string {
  const version = readManifest(path.join(cliPackageDir(), "package.json")).version;
  if (typeof version !== "string") throw new Error("@orrery/cli's package.json has no version");
  return version;
}

/** The project template `orrery init` copies. */
export function templateDir(): string {
  return path.join(cliPackageDir(), "templates", "app");
}

/**
 * The folder of the @orrery/schema package the CLI depends on (its root, holding package.json),
 * used to generate the first migration before the new project has installed its own.
 */
export function cliSchemaPackageDir(): string {
  const require = createRequire(path.join(cliPackageDir(), "package.json"));
  // The package exports only ".", so resolve its entry and walk up to its package.json.
  const entry = require.resolve("@orrery/schema");
  for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && readManifest(manifest).name === "@orrery/schema") return dir;
  }
  throw new Error(`@orrery/schema's package.json not found above ${entry}`);
}

function readManifest(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}
