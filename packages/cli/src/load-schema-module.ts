import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { SchemaDefinition } from "@orrery/schema";
import { build, type Message } from "esbuild";
import { UsageError } from "./command";
import { findSchemaExport } from "./generate/find-schema-export";

function describeBuildError(error: unknown): string {
  const first = (error as { errors?: Message[] }).errors?.[0];
  if (!first) return (error as Error).message.split("\n")[0] ?? String(error);
  const where = first.location
    ? `${first.location.file}:${first.location.line}:${first.location.column}: `
    : "";
  return `${where}${first.text}`;
}

/**
 * Loads the app's schema module (TypeScript) in Node: returns the one schema it exports and the
 * named exports `orreryExports` of the project's own @orrery/schema (resolved from the schema's
 * folder), so what is derived from the schema matches the version the app runs.
 *
 * The module is bundled by esbuild into one self-contained file in a temp folder, then imported.
 * `displayName` is how errors name the schema file. `modules` (export name → file) bundles more
 * of the user's modules into the same load, e.g. the seed file (`orrery seed`); each comes back
 * as its module namespace under that name in `modules`.
 */
export async function loadSchemaModule<Exports extends Record<string, unknown>>(
  schemaFile: string,
  displayName: string,
  orreryExports: readonly (keyof Exports & string)[],
  modules: Readonly<Record<string, string>> = {},
): Promise<{ schema: SchemaDefinition; orrery: Exports; modules: Record<string, Record<string, unknown>> }> {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), "orrery-schema-"));
  try {
    const outfile = path.join(tempDir, "schema.mjs");
    try {
      await build({
        stdin: {
          contents: [
            `export * as schemaModule from ${JSON.stringify(schemaFile)};`,
            `export { ${orreryExports.join(", ")} } from "@orrery/schema";`,
            ...Object.entries(modules).map(
              ([name, file], i) => `export * as orreryModule${i} from ${JSON.stringify(file)}; // ${name}`,
            ),
          ].join("\n"),
          resolveDir: path.dirname(schemaFile),
          sourcefile: "orrery-schema-entry.js",
          loader: "js",
        },
        outfile,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        logLevel: "silent",
        // CommonJS dependencies bundled into ESM call `require` for Node built-ins.
        banner: {
          js: 'import { createRequire as __orreryCreateRequire } from "node:module"; const require = __orreryCreateRequire(import.meta.url);',
        },
      });
    } catch (error) {
      throw new UsageError(`could not bundle ${displayName}: ${describeBuildError(error)}`, 1);
    }
    let loaded: Record<string, unknown>;
    try {
      loaded = (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${displayName} failed to load: ${(error as Error).message.split("\n")[0]}`, 1);
    }
    const schema = findSchemaExport(loaded.schemaModule as Record<string, unknown>, displayName);
    const orrery = Object.fromEntries(orreryExports.map((name) => [name, loaded[name]])) as Exports;
    const loadedModules = Object.fromEntries(
      Object.keys(modules).map((name, i) => [name, loaded[`orreryModule${i}`] as Record<string, unknown>]),
    );
    return { schema, orrery, modules: loadedModules };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}
