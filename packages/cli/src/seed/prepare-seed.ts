import {
  argsValidator,
  fieldCodec,
  isIndexableCodec,
  type SchemaDefinition,
  type SeedKeyValue,
  type TableDefinition,
  validate,
} from "@orrery/schema";
import { UsageError } from "../command";

/** One table's rows, validated, each with its stable `_id`. */
export interface PreparedTable {
  readonly name: string;
  readonly definition: TableDefinition;
  readonly key: readonly string[];
  readonly rows: readonly PreparedRow[];
}

export interface PreparedRow {
  readonly id: string;
  /** The row's fields (no system fields); absent optional fields are left out. */
  readonly fields: Record<string, unknown>;
}

type SeedIdFn = (table: string, key: Record<string, SeedKeyValue>) => string;

const fail = (message: string) => new UsageError(message, 1);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The seed file's default export, checked for the shape `defineSeed` makes. */
export function seedDefinitionOf(
  module: Record<string, unknown>,
  displayName: string,
): Record<string, unknown> {
  const seed = module.default;
  if (!isObject(seed) || !isObject(seed.tables)) {
    throw fail(
      `${displayName} must export default defineSeed(schema, { tables: { ... } }) (from "@orrery/schema")`,
    );
  }
  return seed.tables;
}

async function collectRows(rows: unknown, where: string): Promise<unknown[]> {
  let source = rows;
  if (typeof source === "function") {
    try {
      source = await (source as () => unknown)();
    } catch (error) {
      throw fail(`${where}: rows() threw: ${(error as Error).message?.split("\n")[0] ?? String(error)}`);
    }
  }
  if (Array.isArray(source)) return source;
  const out: unknown[] = [];
  if (source !== null && typeof source === "object" && Symbol.asyncIterator in source) {
    for await (const row of source as AsyncIterable<unknown>) out.push(row);
    return out;
  }
  if (source !== null && typeof source === "object" && Symbol.iterator in source) {
    for (const row of source as Iterable<unknown>) out.push(row);
    return out;
  }
  throw fail(`${where}: rows must be an array, or a function returning (or yielding) rows`);
}

function checkKey(name: string, definition: TableDefinition, key: unknown): string[] {
  const where = `table "${name}"`;
  if (!Array.isArray(key) || key.length === 0)
    throw fail(`${where}: key must name at least one field, e.g. key: ["email"]`);
  const seen = new Set<string>();
  for (const field of key) {
    if (typeof field !== "string" || !Object.hasOwn(definition.fields, field))
      throw fail(`${where}: key field ${JSON.stringify(field)} is not a field of the table`);
    if (seen.has(field)) throw fail(`${where}: key field "${field}" appears twice`);
    seen.add(field);
    if (!isIndexableCodec(fieldCodec(definition.fields[field]!)))
      throw fail(
        `${where}: key field "${field}" must be a string, number, int64, boolean, id or literal field`,
      );
  }
  return key as string[];
}

/**
 * Reads every table's rows from the seed and checks them all before anything is written: the
 * table exists, the key names scalar fields, each row passes the table's validator (the same
 * one `db.insert` uses) and has its key fields, and no two rows share a key. The first problem
 * is one line naming the table, the row's index and the field. Rows get their `_id` from
 * `seedId(table, key values)`.
 */
export async function prepareSeed(
  schema: SchemaDefinition,
  tables: Record<string, unknown>,
  seedId: SeedIdFn,
): Promise<PreparedTable[]> {
  const prepared: PreparedTable[] = [];
  for (const [name, entry] of Object.entries(tables)) {
    if (entry === undefined) continue;
    const definition = Object.hasOwn(schema.tables, name) ? schema.tables[name] : undefined;
    if (!definition)
      throw fail(`table "${name}" is not in the schema (it has: ${Object.keys(schema.tables).join(", ")})`);
    if (!isObject(entry)) throw fail(`table "${name}": expected { key: [...], rows: [...] }`);
    const key = checkKey(name, definition, entry.key);
    const rows = await collectRows(entry.rows, `table "${name}"`);
    const validator = argsValidator(definition.fields);
    const byKey = new Map<string, number>();
    const out: PreparedRow[] = [];
    for (const [index, row] of rows.entries()) {
      const where = `table "${name}", row ${index}`;
      if (isObject(row)) {
        const system = Object.keys(row).find((field) => field.startsWith("_"));
        if (system)
          throw fail(`${where}, field ${system}: system fields are set by the seed, leave them out`);
      }
      const issues = validate(validator, row, "row");
      const issue = issues[0];
      if (issue) {
        const field = issue.path === "row" ? "" : `, field ${issue.path.replace(/^row\.?/, "")}`;
        const more =
          issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
        throw fail(`invalid seed row: ${where}${field}: ${issue.message}${more}`);
      }
      const fields = Object.fromEntries(
        Object.entries(row as Record<string, unknown>).filter(([, value]) => value !== undefined),
      );
      const keyValues: Record<string, SeedKeyValue> = {};
      for (const field of key) {
        const value = fields[field];
        if (value === undefined)
          throw fail(`invalid seed row: ${where}, field ${field}: the key field is missing`);
        keyValues[field] = value as SeedKeyValue;
      }
      const id = seedId(name, keyValues);
      const earlier = byKey.get(id);
      if (earlier !== undefined)
        throw fail(`invalid seed row: ${where}: same key (${key.join(", ")}) as row ${earlier}`);
      byKey.set(id, index);
      out.push({ id, fields });
    }
    prepared.push({ name, definition, key, rows: out });
  }
  return prepared;
}
