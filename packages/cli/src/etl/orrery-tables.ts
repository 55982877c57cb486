import {
  type ColumnSpec,
  decodeValue,
  isDocumentId,
  NAMESPACE_COLUMN,
  type SchemaDefinition,
  SYSTEM_FIELDS,
  validate,
} from "@orrery/schema";
import { CoerceError, type CoerceTarget, hasNul } from "./coerce";
import type { SourceValue } from "./define-etl";
import type { SourceRecord } from "./source-rows";
import type { SourceTable } from "./source-tables";

/**
 * The columns Orrery itself gives a `.global()` table it created in D1: an app leaving D1 has
 * its rows in tables like that, not in legacy ones. Their rows keep their `_id`,
 * `_creationTime` and `_version` (clients, subscriptions and other rows hold those ids), only
 * the run's namespace is read (one D1 table holds every namespace's rows), and each field is
 * decoded exactly as the store decodes it, not coerced as a legacy column is.
 */
export const ORRERY_SYSTEM_COLUMNS: readonly string[] = [...SYSTEM_FIELDS, NAMESPACE_COLUMN];

/** The source table is one Orrery made for a `.global()` table (it has all the system columns). */
export function isOrreryTable(source: SourceTable): boolean {
  return ORRERY_SYSTEM_COLUMNS.every((name) => source.columns.some((c) => c.name === name));
}

/**
 * The config `orrery etl` uses when the project has none: each `.global()` table of the schema
 * that the source holds as an Orrery table, loaded into itself. Empty when the source has none.
 */
export function orreryTablesConfig(
  schema: SchemaDefinition,
  sources: ReadonlyMap<string, SourceTable>,
): { tables: Record<string, { table: string }> } {
  const tables: Record<string, { table: string }> = {};
  for (const [name, definition] of Object.entries(schema.tables)) {
    const source = sources.get(name);
    if (definition.isGlobal && source && isOrreryTable(source)) tables[name] = { table: name };
  }
  return { tables };
}

/** A row's `_id` in an Orrery table, checked: it is the id the row keeps. */
export function keptId(key: SourceValue): string {
  if (!isDocumentId(key)) throw new CoerceError(`_id ${JSON.stringify(key)} is not an Orrery document id`);
  return key;
}

/** The `_creationTime` and `_version` an Orrery table's row keeps. */
export function keptSystemFields(record: SourceRecord): { _creationTime: number; _version: number } {
  const number = (column: string) => {
    const value = record.values[record.columns.get(column)!];
    const n = typeof value === "bigint" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || (column === "_version" && !Number.isSafeInteger(n)))
      throw new CoerceError(
        `column ${column}: ${String(value)} is not a ${column === "_version" ? "version" : "time"}`,
      );
    return n;
  };
  return { _creationTime: number("_creationTime"), _version: number("_version") };
}

/**
 * A field's value as the store reads it back from the D1 column (`stored`: the column's spec
 * on SQLite), then checked against the field's validator: the row is what the app wrote.
 */
export function decodeStored(raw: unknown, stored: ColumnSpec, target: CoerceTarget): unknown {
  let value: unknown;
  try {
    value = decodeValue(stored, raw, "sqlite");
  } catch (error) {
    throw new CoerceError((error as Error).message);
  }
  if (value === undefined) {
    if (target.validator.isOptional) return undefined;
    throw new CoerceError("NULL, but the field is required");
  }
  const issue = validate(target.validator, value, target.field)[0];
  if (issue) throw new CoerceError(issue.message);
  if (target.noNul && (target.codec === "text" || target.codec === "json") && hasNul(value))
    throw new CoerceError("holds a NUL character, which Postgres refuses");
  return value;
}
