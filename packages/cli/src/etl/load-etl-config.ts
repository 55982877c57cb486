import { existsSync } from "node:fs";
import path from "node:path";
import type { SchemaDefinition } from "@orrery/schema";
import { UsageError } from "../command";
import { loadSchemaModule } from "../load-schema-module";

/** The config file `orrery etl` reads when `--config` does not name one. */
export const ETL_CONFIG_FILE = "orrery.etl.ts";

export interface LoadedEtlConfig {
  readonly schema: SchemaDefinition;
  /**
   * The config module's default export, unchecked (planEtl checks it against the schema);
   * undefined when the project has no config file and none was named: the app's own
   * `.global()` tables are then copied as Orrery wrote them in D1 (`orrery-tables.ts`).
   */
  readonly config: Record<string, unknown> | undefined;
  /** The config file, or where it would be. */
  readonly file: string;
}

/**
 * Bundles the schema and the ETL config together (so a config that imports the schema gets the
 * same module) and imports them in Node, as `orrery seed` does with a seed file. A missing file
 * named by `--config` is a usage error (exit 2); one that fails to bundle or load, exit 1.
 */
export async function loadEtlConfig(
  configFile: string | undefined,
  schemaFile: string,
  cwd: string,
  show: (file: string) => string,
): Promise<LoadedEtlConfig> {
  const file = path.resolve(cwd, configFile ?? ETL_CONFIG_FILE);
  if (configFile !== undefined && !existsSync(file))
    throw new UsageError(
      `${show(file)} not found: write one with export default defineEtl(schema, { tables }) from "@orrery/cli/etl"`,
    );
  if (!existsSync(schemaFile))
    throw new UsageError(
      `${show(schemaFile)} not found (pass --schema or set "schema" in orrery.config.json)`,
    );
  if (!existsSync(file)) {
    const { schema } = await loadSchemaModule(schemaFile, show(schemaFile), []);
    return { schema, config: undefined, file };
  }
  const { schema, modules } = await loadSchemaModule(schemaFile, show(schemaFile), [], { etl: file });
  const config = modules.etl?.default;
  if (typeof config !== "object" || config === null)
    throw new UsageError(
      `${show(file)} must export default defineEtl(schema, { tables: { ... } }) (from "@orrery/cli/etl")`,
      1,
    );
  return { schema, config: config as Record<string, unknown>, file };
}
