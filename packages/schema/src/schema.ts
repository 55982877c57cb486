import { fieldCodec, isIndexableCodec } from "./codec-kind";
import { BY_CREATION_TIME, BY_ID, physicalIndexName, type TableDefinition } from "./table";
import { isValidator } from "./validators";

export interface SchemaDefinition<
  Tables extends Record<string, TableDefinition> = Record<string, TableDefinition>,
> {
  readonly tables: Tables;
}

// Starting with a letter also keeps app tables clear of Orrery's own `_orrery_*` tables.
const TABLE_NAME = /^[a-z][a-z0-9_]*$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const INDEX_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// Postgres truncates identifiers past 63 bytes and MySQL refuses past 64.
const MAX_IDENTIFIER = 63;

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaError";
  }
}

/** Declares the app's tables and checks them now, so a bad schema fails at startup, not in SQL. */
export function defineSchema<Tables extends Record<string, TableDefinition>>(
  tables: Tables,
): SchemaDefinition<Tables> {
  for (const [name, table] of Object.entries(tables)) checkTable(name, table);
  return Object.freeze({ tables: Object.freeze({ ...tables }) });
}

function checkTable(tableName: string, table: TableDefinition): void {
  if (!TABLE_NAME.test(tableName) || tableName.length > MAX_IDENTIFIER) {
    throw new SchemaError(
      `table name "${tableName}" must match ^[a-z][a-z0-9_]*$ and be at most ${MAX_IDENTIFIER} characters`,
    );
  }
  const seenFields = new Map<string, string>();
  for (const [field, validator] of Object.entries(table.fields)) {
    const where = `table "${tableName}": field "${field}"`;
    if (field.startsWith("_"))
      throw new SchemaError(`${where}: names starting with "_" are reserved for system fields`);
    if (!FIELD_NAME.test(field) || field.length > MAX_IDENTIFIER) {
      throw new SchemaError(
        `${where}: must match ^[A-Za-z][A-Za-z0-9_]*$ and be at most ${MAX_IDENTIFIER} characters`,
      );
    }
    if (!isValidator(validator)) throw new SchemaError(`${where}: is not a validator built with v.*`);
    // SQLite and MySQL column names are case-insensitive, so these would be one column.
    const clash = seenFields.get(field.toLowerCase());
    if (clash) throw new SchemaError(`${where}: differs from field "${clash}" only by case`);
    seenFields.set(field.toLowerCase(), field);
  }
  const seenIndexes = new Map<string, string>();
  for (const index of table.indexes) {
    const where = `table "${tableName}": index "${index.name}"`;
    if (!INDEX_NAME.test(index.name))
      throw new SchemaError(`${where}: name must match ^[A-Za-z][A-Za-z0-9_]*$`);
    if (index.name === BY_ID || index.name === BY_CREATION_TIME) {
      throw new SchemaError(`${where}: name is reserved for a system index`);
    }
    if (physicalIndexName(tableName, index.name).length > MAX_IDENTIFIER) {
      throw new SchemaError(
        `${where}: "${physicalIndexName(tableName, index.name)}" exceeds ${MAX_IDENTIFIER} characters`,
      );
    }
    const clash = seenIndexes.get(index.name.toLowerCase());
    if (clash)
      throw new SchemaError(`${where}: is defined twice${clash === index.name ? "" : ` (as "${clash}")`}`);
    seenIndexes.set(index.name.toLowerCase(), index.name);
    checkIndexFields(where, table, index.fields);
  }
}

function checkIndexFields(where: string, table: TableDefinition, fields: readonly string[]): void {
  if (fields.length === 0) throw new SchemaError(`${where}: needs at least one field`);
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field)) throw new SchemaError(`${where}: field "${field}" appears twice`);
    seen.add(field);
    if (field === "_creationTime") continue;
    const validator = Object.hasOwn(table.fields, field) ? table.fields[field] : undefined;
    if (!validator) throw new SchemaError(`${where}: field "${field}" does not exist`);
    if (!isIndexableCodec(fieldCodec(validator))) {
      throw new SchemaError(
        `${where}: field "${field}" is stored as ${fieldCodec(validator) === "bytes" ? "bytes" : "JSON"} and cannot be indexed; ` +
          "index fields must be strings, numbers, int64s, booleans, ids, literals or unions of literals of one type",
      );
    }
  }
}
