import type { orrerySystemTables, sqliteTables } from "@orrery/schema";
import { loadSchemaModule } from "../load-schema-module";

/**
 * Loads the app's schema module (TypeScript) in Node and returns its drizzle view: the app's
 * tables plus the store's system tables, keyed by table name in sorted order.
 *
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
  const { schema, orrery } = await loadSchemaModule<{
    sqliteTables: typeof sqliteTables;
    orrerySystemTables: typeof orrerySystemTables;
  }>(schemaFile, displayName, ["orrerySystemTables", "sqliteTables"]);
  const tables: Record<string, unknown> = { ...orrery.sqliteTables(schema), ...orrery.orrerySystemTables };
  // drizzle-kit reads a module namespace, whose keys are sorted; sorting too keeps the snapshot
  // and the order of statements identical to what `drizzle-kit generate` writes.
  return Object.fromEntries(
    Object.keys(tables)
      .sort()
      .map((name) => [name, tables[name]]),
  );
}
