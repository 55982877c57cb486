import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { orrerySystemTables, sqliteTables } from "@orrery/schema";
import { build, type Message } from "esbuild";
import { UsageError } from "../command";
import { findSchemaExport } from "./find-schema-export";

interface SchemaBundle {
  schemaModule: Record<string, unknown>;
  sqliteTables: typeof sqliteTables;
  orrerySystemTables: typeof orrerySystemTables;
}

function describeBuildError(error: unknown): string {
  const first = (error as { errors?: Message[] }).errors?.[0];
  if (!first) return (error as Error).message.split("\n")[0] ?? String(error);
  const where = first.location
    ? `${first.location.file}:${first.location.line}:${first.location.column}: `
    : "";
  return `${where}${first.text}`;
}

/**
 * Loads the app's schema module (TypeScript) in Node and returns its drizzle view: the app's
 * tables plus the store's system tables, keyed by table name in sorted order.
 *
 * The module is bundled by esbuild into one self-contained file in a temp folder, then imported.
 * `sqliteTables` and `orrerySystemTables` come from the project's own @orrery/schema (resolved
 * from the schema's folder, bundled alongside), so the migrations match the DDL of the version
 * the app runs. drizzle-orm is bundled too: drizzle-kit recognises tables by drizzle's
 * `entityKind` and `Symbol.for` keys, not class identity, so a second copy is fine.
 *
 * `displayName` is how errors name the schema file.
 */
export async function loadDrizzleTables(
  schemaFile: string,
  displayName: string,
): Promise<Record<string, unknown>> {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), "orrery-generate-"));
  try {
    const outfile = path.join(tempDir, "schema.mjs");
    try {
      await build({
        stdin: {
          contents: [
            `export * as schemaModule from ${JSON.stringify(schemaFile)};`,
            `export { orrerySystemTables, sqliteTables } from "@orrery/schema";`,
          ].join("\n"),
          resolveDir: path.dirname(schemaFile),
          sourcefile: "orrery-generate-entry.js",
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
    let loaded: SchemaBundle;
    try {
      loaded = (await import(pathToFileURL(outfile).href)) as SchemaBundle;
    } catch (error) {
      throw new UsageError(`${displayName} failed to load: ${(error as Error).message.split("\n")[0]}`, 1);
    }
    const schema = findSchemaExport(loaded.schemaModule, displayName);
    const tables: Record<string, unknown> = { ...loaded.sqliteTables(schema), ...loaded.orrerySystemTables };
    // drizzle-kit reads a module namespace, whose keys are sorted; sorting too keeps the snapshot
    // and the order of statements identical to what `drizzle-kit generate` writes.
    return Object.fromEntries(
      Object.keys(tables)
        .sort()
        .map((name) => [name, tables[name]]),
    );
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}
